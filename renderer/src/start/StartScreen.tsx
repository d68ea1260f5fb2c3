import { useState } from 'react';
import type { PondSummary } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { useApp, useClient } from '../state/app-store';

/** When no pond is open: the demo pond, recent ponds, and (desktop app) open or create. */
export function StartScreen() {
  const client = useClient();
  const app = useApp((s) => s.app);
  const openPond = useApp((s) => s.openPond);
  // Bumped when an entry is removed, to read the list again.
  const [listed, setListed] = useState(0);
  const recent = useAsync(() => client.recentPonds(), [client, listed]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<ErrorInfo>();
  const [birthplace, setBirthplace] = useState('');

  const attempt = async (what: string, open: () => Promise<PondSummary | undefined>) => {
    setBusy(what);
    setError(undefined);
    try {
      const pond = await open();
      if (pond) openPond(pond);
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <main className="start" aria-label="Start">
      <h1>Pond</h1>
      <p className="muted">Versioned, local-first file systems of sensor data.</p>
      {error ? <ErrorView error={error} title={`Cannot ${busy ?? 'open the pond'}`} /> : null}
      <section className="start-actions">
        <button
          className="primary"
          disabled={busy !== undefined}
          onClick={() => attempt('open the demo pond', () => client.openDemoPond())}
        >
          {busy === 'open the demo pond' ? 'Preparing the demo pond…' : 'Open the demo pond'}
        </button>
        {app?.dialogs ? (
          <>
            <button
              disabled={busy !== undefined}
              onClick={() => attempt('open a pond', () => client.openPondDialog())}
            >
              Open a pond…
            </button>
            <span className="create">
              <input
                placeholder="birthplace, e.g. caspar-pumphouse"
                aria-label="Birthplace of the new pond"
                value={birthplace}
                onChange={(e) => setBirthplace(e.target.value)}
              />
              <button
                disabled={busy !== undefined || birthplace.trim() === ''}
                onClick={() =>
                  attempt('create a pond', () => client.createPondDialog(birthplace.trim()))
                }
              >
                Create a pond…
              </button>
            </span>
          </>
        ) : null}
      </section>
      <section>
        <h2>Recent ponds</h2>
        {recent.state === 'failed' ? <ErrorView error={recent.error} /> : null}
        {recent.state === 'done' && recent.value.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : null}
        {recent.state === 'done' ? (
          <ul className="recent">
            {recent.value.map((r) => (
              <li key={r.path} data-missing={r.missing ? 'true' : undefined}>
                <button
                  className="link"
                  disabled={busy !== undefined || r.missing === true}
                  onClick={() => attempt(`open ${r.name}`, () => client.openRecent(r.path))}
                >
                  {r.name}
                </button>{' '}
                {r.missing ? (
                  <span className="missing-tag" title="No pond is at this path any more">
                    missing
                  </span>
                ) : null}{' '}
                <span className="muted">
                  {r.path} · opened {r.lastOpened}
                </span>{' '}
                <button
                  className="remove"
                  aria-label={`Remove ${r.name} from the recent ponds`}
                  title="Remove from this list (the pond's folder is not touched)"
                  disabled={busy !== undefined}
                  onClick={() =>
                    client.forgetRecent(r.path).then(
                      () => setListed((n) => n + 1),
                      (e: unknown) => setError(toErrorInfo(e)),
                    )
                  }
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </main>
  );
}
