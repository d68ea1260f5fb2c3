import { Fragment, useEffect, useState } from 'react';
import type { TxnInfo } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { HistoryActions } from '../edit/HistoryActions';
import { RevertPlanView } from '../edit/RevertPlanView';
import { formatInstant } from '../common/time-zone';
import { useApp, useClient } from '../state/app-store';
import { useView } from '../state/view-settings';

const PAGE = 50;

/** The pond's transactions, newest first, paged back; choosing one views the pond as of it. */
export function HistoryPanel({ pond }: { pond: string }) {
  const client = useClient();
  const asOf = useApp((s) => s.asOf);
  const lastTxn = useApp((s) => s.pond?.lastTxn);
  const setAsOf = useApp((s) => s.setAsOf);
  const [txns, setTxns] = useState<TxnInfo[]>([]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  // The transaction whose revert plan is shown under its row.
  const [reverting, setReverting] = useState<number>();
  const zone = useView((s) => s.zone);

  const more = async (before: number | undefined) => {
    setBusy(true);
    try {
      const page = await client.history({
        pond,
        limit: PAGE,
        ...(before === undefined ? {} : { before }),
      });
      setTxns((t) => (before === undefined ? page : [...t, ...page]));
      setDone(page.length < PAGE);
      setError(undefined);
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void more(undefined);
    // Reload when another pond is shown, or when this one has a new transaction.
  }, [pond, lastTxn]);

  return (
    <div className="history-panel">
      {error ? <ErrorView error={error} title="Cannot read the history" /> : null}
      <table className="simple" aria-label="Transactions">
        <thead>
          <tr>
            <th>Txn</th>
            <th>Time ({zone === 'utc' ? 'UTC' : 'local'})</th>
            <th>Command</th>
            <th>User</th>
            <th>Changes</th>
            <th />
            <th />
          </tr>
        </thead>
        <tbody>
          {txns.map((t, i) => {
            const current = asOf?.txn === t.txn;
            const latest = i === 0;
            return (
              <Fragment key={t.txn}>
                <tr className={current ? 'current' : ''} data-txn={t.txn}>
                  <td>{t.txn}</td>
                  <td className="nowrap">{formatInstant(t.time, zone)}</td>
                  <td className="mono command">{t.command.join(' ') || t.operation}</td>
                  <td>
                    {t.user}@{t.host}
                  </td>
                  <td
                    className="wrap-anywhere"
                    title={t.changes.map((c) => `${c.action} ${c.path}`).join('\n')}
                  >
                    {t.changes
                      .slice(0, 3)
                      .map((c) => `${c.action} ${c.path}`)
                      .join(', ')}
                    {t.changesTotal > 3 ? ` (+${t.changesTotal - 3} more)` : ''}
                  </td>
                  <td className="nowrap">
                    {latest ? (
                      <button disabled={!asOf} onClick={() => setAsOf(undefined)}>
                        Latest
                      </button>
                    ) : (
                      <button
                        disabled={current}
                        onClick={() => setAsOf({ txn: t.txn, time: t.time })}
                        aria-label={`View as of transaction ${t.txn}`}
                      >
                        View as of
                      </button>
                    )}
                  </td>
                  <td>
                    <HistoryActions
                      txn={t}
                      reverting={reverting === t.txn}
                      onRevert={() => setReverting(reverting === t.txn ? undefined : t.txn)}
                    />
                  </td>
                </tr>
                {reverting === t.txn ? (
                  <tr className="revert-row">
                    <td colSpan={7}>
                      <RevertPlanView
                        pond={pond}
                        txn={t.txn}
                        onClose={() => setReverting(undefined)}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {!done ? (
        <button disabled={busy} onClick={() => void more(txns[txns.length - 1]?.txn)}>
          {busy ? 'Loading…' : 'Older transactions'}
        </button>
      ) : null}
    </div>
  );
}
