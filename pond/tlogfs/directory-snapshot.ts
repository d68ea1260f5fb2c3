import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseEntryType } from '../tinyfs/entry-type.js';
import type { NodeId } from '../tinyfs/node-id.js';
import type { DirEntry } from '../tinyfs/node.js';

/**
 * A directory entry as stored. A non-directory node's rows live in one partition for its whole
 * life, its home: the directory it was made in. A node moved to another directory keeps its
 * home, recorded here, so every version stays where it was written, and readers as of earlier
 * transactions (whose directory snapshots still list the node at its old place) read the same
 * rows. Absent: the home is the directory holding the entry.
 */
export interface StoredEntry extends DirEntry {
  home?: NodeId;
}

/** The partition holding the rows of the node an entry of directory `dirId` names. */
export function homeOf(entry: StoredEntry, dirId: NodeId): NodeId {
  return entry.home ?? dirId;
}

/**
 * A directory version stores the full list of its entries (DESIGN §3), so reading a directory
 * costs the same after 10 or 10,000 changes. The encoding is compact JSON, one array per entry:
 * [name, id, type, factory, version, size, modified, txnSeq] and, for a moved node, its home.
 */
type Encoded = [
  string,
  string,
  string,
  string | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string?,
];

export function encodeDirectory(entries: Iterable<StoredEntry>): Uint8Array {
  const rows: Encoded[] = [];
  for (const e of entries) {
    const row: Encoded = [
      e.name,
      e.id,
      e.type,
      e.factory ?? null,
      e.version ?? null,
      e.size ?? null,
      e.modified ?? null,
      e.txnSeq ?? null,
    ];
    if (e.home !== undefined) row.push(e.home);
    rows.push(row);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Buffer.from(JSON.stringify({ entries: rows }));
}

export function decodeDirectory(bytes: Uint8Array, where: string): StoredEntry[] {
  let parsed: { entries: Encoded[] };
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { entries: Encoded[] };
  } catch (e) {
    throw new PondError(ErrorCode.DeltaCorrupt, `directory snapshot of ${where} is not valid`, {
      input: where,
      cause: e,
    });
  }
  return parsed.entries.map(([name, id, type, factory, version, size, modified, txnSeq, home]) => {
    const t = parseEntryType(type);
    if (!t)
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `directory ${where}: unknown entry type '${type}'`,
      );
    const e: StoredEntry = { name, id, type: t };
    if (factory !== null) e.factory = factory;
    if (version !== null) e.version = version;
    if (size !== null) e.size = size;
    if (modified !== null) e.modified = modified;
    if (txnSeq !== null) e.txnSeq = txnSeq;
    if (typeof home === 'string') e.home = home;
    return e;
  });
}
