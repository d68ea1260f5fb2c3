import type { EntryType } from '../tinyfs/entry-type.js';
import { liveVersions } from '../tinyfs/live-versions.js';
import type { NodeId } from '../tinyfs/node-id.js';
import type { OplogRow } from './oplog.js';
import type { PondTxn } from './transaction.js';
import { encodeVersionAttributes, versionAttributes } from './version-attributes.js';

/**
 * Gives one node again the content it had as of transaction `asOf`, as new versions (history is
 * never rewritten):
 * - a table: a copy of the version readers saw then; a data file: copies of the versions readers
 *   joined then (the latest, and the parts it continues when the file grows);
 * - a series: copies of every version readers saw then (its union), the first marked as base so
 *   readers stop at it and versions written after `asOf` are no longer read;
 * - a factory node: its config then.
 * Copies point at the same inline bytes or blob (no data is copied) and say which version they
 * copy. Nothing is written when the node already reads the same. Returns whether it wrote.
 */
export async function restoreContent(
  txn: PondTxn,
  node: { id: NodeId; home: NodeId; type: EntryType; factory: boolean },
  asOf: number,
): Promise<boolean> {
  const then = await txn.services.reader.versions(node.home, node.id, asOf);
  const now = await txn.versionRows(node.home, node.id);
  if (then.length === 0 || now.length === 0) return false;
  let wanted: OplogRow[];
  let current: OplogRow[];
  if (node.factory || node.type === 'symlink' || node.type === 'directory') {
    wanted = then.slice(-1);
    current = now.slice(-1);
  } else {
    const type = node.type;
    const live = (rows: OplogRow[]) =>
      liveVersions(
        type,
        rows.map((row) => {
          const a = versionAttributes(row);
          return { row, base: a.base === true, offset: a.offset };
        }),
      ).map((v) => v.row);
    wanted = live(then);
    current = live(now);
  }
  if (wanted.length === current.length && wanted.every((r, i) => sameContent(r, current[i]!)))
    return false;
  let version = now[now.length - 1]!.version;
  wanted.forEach((r, i) => {
    version += 1;
    txn.addRow({
      ...r,
      version,
      txn_seq: txn.seq,
      timestamp: txn.startedAt,
      attributes: encodeVersionAttributes({
        base: i === 0 && node.type === 'series' && !node.factory,
        restoredFrom: { version: r.version, txnSeq: r.txn_seq },
        // The parts of a data file that grows keep their places (the first is whole).
        ...(i > 0 ? { offset: versionAttributes(r).offset } : {}),
      }),
    });
  });
  return true;
}

/** Two versions readers cannot tell apart: same bytes, same series metadata, same factory. */
function sameContent(a: OplogRow, b: OplogRow): boolean {
  return (
    a.entry_type === b.entry_type &&
    a.factory === b.factory &&
    a.blob === b.blob &&
    a.sha256 === b.sha256 &&
    sameBytes(a.content, b.content) &&
    a.min_event_time === b.min_event_time &&
    a.max_event_time === b.max_event_time &&
    a.timestamp_column === b.timestamp_column
  );
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}
