import { useState } from 'react';
import type { TxnInfo } from '../../../shared/api';
import { useApp } from '../state/app-store';
import { restore } from './edits';

/**
 * A transaction's edits in History: Revert… (its plan opens under the row), and Restore for each
 * entry it removed (brought back as it was just before).
 */
export function HistoryActions({
  txn,
  reverting,
  onRevert,
}: {
  txn: TxnInfo;
  reverting: boolean;
  onRevert(): void;
}) {
  const asOf = useApp((s) => s.asOf);
  const [busy, setBusy] = useState(false);
  const removed = txn.changes.filter((c) => c.action === 'removed');
  const readOnly = asOf ? 'Return to the latest transaction to change the pond' : undefined;
  return (
    <div className="history-actions">
      {txn.txn > 1 ? (
        <button
          onClick={onRevert}
          disabled={!!readOnly}
          title={readOnly ?? 'Undo what this transaction changed, as a new transaction'}
          aria-expanded={reverting}
          aria-label={`Revert transaction ${txn.txn}`}
        >
          Revert…
        </button>
      ) : null}
      {removed.map((c) => (
        <button
          key={c.path}
          disabled={busy || !!readOnly}
          title={readOnly ?? `Bring ${c.path} back as it was before transaction ${txn.txn}`}
          aria-label={`Restore ${c.path} from before transaction ${txn.txn}`}
          onClick={() => {
            setBusy(true);
            void restore(c.path, txn.txn - 1).finally(() => setBusy(false));
          }}
        >
          Restore {c.path}
        </button>
      ))}
    </div>
  );
}
