import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseEntryType } from '../tinyfs/entry-type.js';
import type { DirEntry } from '../tinyfs/node.js';

/**
 * A directory version stores the full list of its entries (DESIGN §3), so reading a directory
 * costs the same after 10 or 10,000 changes. The encoding is compact JSON, one array per entry:
 * [name, id, type, factory, version, size, modified, txnSeq].
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
];

export function encodeDirectory(entries: Iterable<DirEntry>): Uint8Array {
  const rows: Encoded[] = [];
  for (const e of entries) {
    rows.push([
      e.name,
      e.id,
      e.type,
      e.factory ?? null,
      e.version ?? null,
      e.size ?? null,
      e.modified ?? null,
      e.txnSeq ?? null,
    ]);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Buffer.from(JSON.stringify({ entries: rows }));
}

export function decodeDirectory(bytes: Uint8Array, where: string): DirEntry[] {
  let parsed: { entries: Encoded[] };
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { entries: Encoded[] };
  } catch (e) {
    throw new PondError(ErrorCode.DeltaCorrupt, `directory snapshot of ${where} is not valid`, {
      input: where,
      cause: e,
    });
  }
  return parsed.entries.map(([name, id, type, factory, version, size, modified, txnSeq]) => {
    const t = parseEntryType(type);
    if (!t)
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `directory ${where}: unknown entry type '${type}'`,
      );
    const e: DirEntry = { name, id, type: t };
    if (factory !== null) e.factory = factory;
    if (version !== null) e.version = version;
    if (size !== null) e.size = size;
    if (modified !== null) e.modified = modified;
    if (txnSeq !== null) e.txnSeq = txnSeq;
    return e;
  });
}
