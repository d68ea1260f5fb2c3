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
  /**
   * Data that grows (data-chunks.ts): this version's bytes continue the previous version's and
   * start at this byte of the whole file.
   */
  offset?: number;
}

interface Stored {
  base?: boolean;
  restored_from?: { version: number; txn: number };
  offset?: number;
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
  if (s.offset !== undefined) {
    if (!Number.isSafeInteger(s.offset) || s.offset < 0) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `node ${row.node_id} v${row.version}: offset ${JSON.stringify(s.offset)} is not a byte position`,
        { input: row.attributes },
      );
    }
    a.offset = s.offset;
  }
  return a;
}

export function encodeVersionAttributes(a: VersionAttributes): string | null {
  const s: Stored = {};
  if (a.base) s.base = true;
  if (a.restoredFrom)
    s.restored_from = { version: a.restoredFrom.version, txn: a.restoredFrom.txnSeq };
  if (a.offset !== undefined) s.offset = a.offset;
  return Object.keys(s).length === 0 ? null : JSON.stringify(s);
}
