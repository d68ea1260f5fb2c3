import { useState } from 'react';
import type { RevertStepInfo } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { useApp, useClient } from '../state/app-store';
import { revert } from './edits';

function stepText(s: RevertStepInfo): string {
  switch (s.kind) {
    case 'remove':
      return `remove ${s.path}`;
    case 'move back':
      return `move ${s.path} back to ${s.to ?? '?'}`;
    case 'bring back':
      return `bring back ${s.path}`;
    case 'restore content':
      return `give ${s.path} its content from before`;
  }
}

/**
 * History's "Revert this transaction": what the revert would do (the engine's plan, read
 * afresh), what blocks it (later transactions that changed the same paths, steps nothing can
 * do), then Revert, or Revert anyway where forcing can go ahead.
 */
export function RevertPlanView({
  pond,
  txn,
  onClose,
}: {
  pond: string;
  txn: number;
  onClose(): void;
}) {
  const client = useClient();
  const lastTxn = useApp((s) => s.pond?.lastTxn);
  const plan = useAsync(() => client.revertPlan({ pond, txn }), [client, pond, txn, lastTxn]);
  const [busy, setBusy] = useState(false);
  const go = async (force: boolean) => {
    setBusy(true);
    const ok = await revert(txn, force);
    setBusy(false);
    if (ok) onClose();
  };
  if (plan.state === 'loading') return <p className="muted">Reading what transaction {txn} did…</p>;
  if (plan.state === 'failed')
    return <ErrorView error={plan.error} title={`Cannot revert transaction ${txn}`} />;
  const p = plan.value;
  const blocked = p.conflicts.some((c) => !c.forceable);
  return (
    <div
      className="revert-plan"
      data-testid="revert-plan"
      aria-label={`Reverting transaction ${txn}`}
    >
      {p.steps.length === 0 ? (
        <p>Nothing to revert: what transaction {txn} changed is already undone.</p>
      ) : (
        <>
          Reverting transaction {txn} would, as a new transaction:
          <ul>
            {p.steps.map((s, i) => (
              <li key={i}>
                {stepText(s)} <span className="muted">({s.entryKind})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {p.conflicts.length > 0 ? (
        <div className="revert-conflicts" role="alert">
          {blocked ? 'It cannot go ahead:' : 'Later transactions changed the same paths:'}
          <ul>
            {p.conflicts.map((c, i) => (
              <li key={i}>
                {c.path}: {c.reason}
                {c.txn === undefined ? '' : ` (transaction ${c.txn})`}
                {c.forceable ? '' : ' — nothing can do this step until the path is cleared'}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="history-actions">
        {p.conflicts.length === 0 ? (
          <button
            className="primary"
            disabled={busy || p.steps.length === 0}
            onClick={() => void go(false)}
          >
            Revert
          </button>
        ) : !blocked ? (
          <button
            className="primary danger"
            disabled={busy}
            onClick={() => void go(true)}
            title="Also undoes the later changes to those paths"
          >
            Revert anyway (undo the later changes to them too)
          </button>
        ) : null}
        <button onClick={onClose} disabled={busy}>
          Close
        </button>
      </div>
    </div>
  );
}
