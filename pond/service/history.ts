import type { Pond, PondCommitInfo } from '../tlogfs/pond.js';
import type { Change } from '../tlogfs/transaction.js';

export interface TxnRecord {
  seq: number;
  /** ms since the epoch (the writer's clock). */
  timestamp: number;
  /** e.g. WRITE, CREATE TABLE, OPTIMIZE. */
  operation: string;
  command: string[];
  user: string;
  host: string;
  changes: Change[];
  changesTotal: number;
  /** A revert: the transaction it undid. */
  reverts?: number;
}

/**
 * The pond's transactions, newest first, read from each commit's commitInfo. `before` pages
 * back: only transactions older than it.
 */
export async function history(
  pond: Pond,
  options: { limit?: number; before?: number } = {},
): Promise<TxnRecord[]> {
  await pond.delta.refresh();
  const last =
    options.before === undefined ? pond.lastSeq : Math.min(pond.lastSeq, options.before - 1);
  const limit = options.limit ?? 10;
  const out: TxnRecord[] = [];
  // Version 0 creates the Delta table; the pond's transactions start at 1 (init).
  for (let v = last; v >= 1 && out.length < limit; v--) {
    const actions = await pond.delta.readCommit(v).catch(() => undefined);
    if (!actions) break; // cleaned up below a checkpoint
    const ci = actions.find((a) => 'commitInfo' in a) as
      { commitInfo: Record<string, unknown> } | undefined;
    const info = ci?.commitInfo ?? {};
    const p = (info['pond'] ?? {}) as Partial<PondCommitInfo>;
    const record: TxnRecord = {
      seq: v,
      timestamp: typeof info['timestamp'] === 'number' ? info['timestamp'] : 0,
      operation: typeof info['operation'] === 'string' ? info['operation'] : 'UNKNOWN',
      command: p.command ?? [],
      user: p.user ?? '',
      host: p.host ?? '',
      changes: p.changes ?? [],
      changesTotal: p.changes_total ?? p.changes?.length ?? 0,
    };
    if (typeof p.reverts === 'number') record.reverts = p.reverts;
    out.push(record);
  }
  return out;
}
