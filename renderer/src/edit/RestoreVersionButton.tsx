import { useState } from 'react';
import { useApp } from '../state/app-store';
import { restore } from './edits';

/**
 * Details' "Restore this version": a new version of the node equal to what readers saw at that
 * version's transaction (a series: the union of its versions then). Offered from the latest view
 * and from a view as of an earlier transaction (the version of a node since deleted).
 */
export function RestoreVersionButton({
  path,
  txn,
  latest,
}: {
  path: string;
  txn: number;
  latest: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const asOf = useApp((s) => s.asOf);
  const go = async () => {
    setBusy(true);
    if (asOf) useApp.getState().setAsOf(undefined);
    await restore(path, txn);
    setBusy(false);
  };
  if (latest && !asOf) return null;
  return (
    <button
      disabled={busy}
      onClick={() => void go()}
      aria-label={`Restore ${path} as of transaction ${txn}`}
    >
      Restore this version
    </button>
  );
}
