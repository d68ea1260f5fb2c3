import { ErrorCode, PondError } from '../../shared/errors.js';
import type { OplogRow } from './oplog.js';

/**
 * What a version row says about itself in the oplog's `attributes` JSON. A restore writes copies
 * of earlier versions (the same content, a new version number): `restored_from` names the copied
 * version, and `base` marks the first copy, where a series reader's union starts again.
 */
export interface VersionAttributes {
  base?: boolean;
  restoredFrom?: { version: number; txnSeq: number };
}

interface Stored {
  base?: boolean;
  restored_from?: { version: number; txn: number };
}

export function versionAttributes(row: OplogRow): VersionAttributes {
  if (row.attributes === null) return {};
  let s: Stored;
  try {
    s = JSON.parse(row.attributes) as Stored;
  } catch (e) {
    throw new PondError(
      ErrorCode.DeltaCorrupt,
      `node ${row.node_id} v${row.version}: attributes are not valid JSON`,
      { input: row.attributes, cause: e },
    );
  }
  const a: VersionAttributes = {};
  if (s.base === true) a.base = true;
  if (s.restored_from)
    a.restoredFrom = { version: s.restored_from.version, txnSeq: s.restored_from.txn };
  return a;
}

export function encodeVersionAttributes(a: VersionAttributes): string | null {
  const s: Stored = {};
  if (a.base) s.base = true;
  if (a.restoredFrom)
    s.restored_from = { version: a.restoredFrom.version, txn: a.restoredFrom.txnSeq };
  return Object.keys(s).length === 0 ? null : JSON.stringify(s);
}
