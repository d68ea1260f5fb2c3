import { useEffect, useState } from 'react';
import type { ExportSettings, PatternMatches } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { useAsOfTxn, useClient } from '../state/app-store';

interface Props {
  pond: string;
  settings: ExportSettings;
  onChange(s: ExportSettings): void;
  onProfile(path: string, s: ExportSettings): void;
}

/** Step 1: start from a saved profile, or type patterns and see their matches as you type. */
export function PatternsStep({ pond, settings, onChange, onProfile }: Props) {
  const client = useClient();
  const asOf = useAsOfTxn();
  const profiles = useAsync(() => client.exportProfiles({ pond }), [client, pond]);
  const [matches, setMatches] = useState<PatternMatches[]>();
  const [error, setError] = useState<ErrorInfo>();
  const patterns = settings.patterns;

  // The live matches, a moment after typing stops.
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      client
        .exportMatches({ pond, patterns, ...(asOf === undefined ? {} : { asOf }) })
        .then((m) => live && (setMatches(m), setError(undefined)))
        .catch((e: unknown) => live && setError(toErrorInfo(e)));
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, pond, asOf, patterns.join('\n')]);

  const setPattern = (i: number, value: string) =>
    onChange({ ...settings, patterns: patterns.map((p, j) => (j === i ? value : p)) });

  return (
    <div className="wizard-step">
      {profiles.state === 'done' && profiles.value.length > 0 ? (
        <section aria-label="Saved profiles">
          <h3>Start from a saved profile</h3>
          <table className="simple">
            <tbody>
              {profiles.value.map((p) => (
                <tr key={p.path} data-profile={p.path}>
                  <td className="mono">{p.path}</td>
                  <td>
                    {p.settings ? (
                      <span className="muted">
                        {p.settings.patterns.join(', ')} → {p.settings.dir}
                      </span>
                    ) : (
                      <ErrorView error={p.error!} title="Not a valid profile" />
                    )}
                  </td>
                  <td>
                    <button
                      disabled={!p.settings}
                      onClick={() => onProfile(p.path, p.settings!)}
                      aria-label={`Use the profile ${p.path}`}
                    >
                      Use
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {profiles.state === 'failed' ? (
        <ErrorView error={profiles.error} title="Cannot list the profiles" />
      ) : null}
      <section aria-label="Patterns">
        <h3>What to export</h3>
        <p className="muted">
          Globs over pond paths: <code>*</code> matches one name, <code>**</code> any folders. Each
          capture becomes a folder of the output.
        </p>
        {patterns.map((p, i) => (
          <div key={i} className="pattern">
            <div className="pattern-row">
              <input
                className="mono"
                aria-label={`Pattern ${i + 1}`}
                placeholder="/sites/*/water.series"
                value={p}
                onChange={(e) => setPattern(i, e.target.value)}
              />
              {patterns.length > 1 ? (
                <button
                  aria-label={`Remove pattern ${i + 1}`}
                  onClick={() =>
                    onChange({ ...settings, patterns: patterns.filter((_, j) => j !== i) })
                  }
                >
                  Remove
                </button>
              ) : null}
            </div>
            <Matches found={matches?.[i]} pattern={p} index={i} />
          </div>
        ))}
        <button onClick={() => onChange({ ...settings, patterns: [...patterns, ''] })}>
          Add a pattern
        </button>
        {error ? <ErrorView error={error} title="Cannot match the patterns" /> : null}
      </section>
    </div>
  );
}

function Matches({
  found,
  pattern,
  index,
}: {
  found: PatternMatches | undefined;
  pattern: string;
  index: number;
}) {
  if (pattern.trim() === '' || !found || found.pattern !== pattern) return null;
  if (found.error) return <ErrorView error={found.error} title={`Pattern ${index + 1}`} />;
  return (
    <table className="simple matches" aria-label={`Matches of pattern ${index + 1}`}>
      <thead>
        <tr>
          <th>Path</th>
          <th>Type</th>
          <th>Captures</th>
          <th>Goes to</th>
          <th>First … last (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {found.matches.map((m) => (
          <tr key={m.path}>
            <td className="mono">{m.path}</td>
            <td>{m.kind}</td>
            <td className="mono">{m.captures.join(' / ') || '—'}</td>
            <td className="mono">{m.out}/</td>
            <td>{m.start ? `${m.start} … ${m.end}` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
