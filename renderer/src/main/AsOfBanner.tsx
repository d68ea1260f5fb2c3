import { useApp } from '../state/app-store';

/** Time travel is read-only and must never be mistaken for the latest state. */
export function AsOfBanner() {
  const asOf = useApp((s) => s.asOf);
  const setAsOf = useApp((s) => s.setAsOf);
  if (!asOf) return null;
  return (
    <div className="as-of-banner" role="status" data-testid="as-of-banner">
      <span>
        Viewing the pond <strong>as of transaction {asOf.txn}</strong> ({asOf.time}) — read-only
      </span>
      <button onClick={() => setAsOf(undefined)}>Return to latest</button>
    </div>
  );
}
