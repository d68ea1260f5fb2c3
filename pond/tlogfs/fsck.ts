import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { removedFiles } from '../delta/index.js';
import { BlobStore, hashFile } from './blob-store.js';
import { decodeDirectory } from './directory-snapshot.js';
import type { Pond } from './pond.js';
import { scanPond, type ForeignEntry } from './pond-files.js';

export interface FsckProblem {
  kind:
    | 'missing-file'
    | 'size-mismatch'
    | 'bad-content-hash'
    | 'missing-blob'
    | 'bad-blob-hash'
    | 'bad-directory';
  path: string;
  detail: string;
}

/** A leftover of the pond's own writers that maintain removes (never damage). */
export interface FsckOrphan {
  /**
   * data-file: an oplog file the log never had (a transaction that never committed), removed by
   * maintain's vacuum once it is older than the retention;
   * blob: a blob no row references; temp-file: a temp file of a log write or of an old version;
   * staging: the staging folder of a writer that is gone.
   */
  kind: 'data-file' | 'blob' | 'temp-file' | 'staging';
  path: string;
  /** Why it is a leftover, when the kind does not say it all. */
  detail?: string;
}

export interface FsckReport {
  /** The Delta version (transaction) checked. */
  version: number;
  liveFiles: number;
  rows: number;
  blobs: number;
  /** A digest over every row's identity and content hash: equal ponds give equal digests. */
  digest: string;
  problems: FsckProblem[];
  orphans: FsckOrphan[];
  /** Files under data/ and cache/ that the pond did not write: listed, never touched. */
  foreign: ForeignEntry[];
}

/**
 * Checks a pond: every live data file exists with its logged size, every inline content and
 * blob hashes to what its row says, every directory snapshot decodes; and lists orphans (the
 * pond's own files that nothing needs: leftovers of transactions that never committed, staging
 * folders of writers that died) and foreign files (anything the pond's writers never make, see
 * pond-files.ts). Damage is a problem; orphans are not (maintain removes them); foreign files are
 * the user's, and nothing here touches them.
 */
export async function fsck(pond: Pond): Promise<FsckReport> {
  const snapshot = await pond.delta.refresh();
  const problems: FsckProblem[] = [];
  const orphans: FsckOrphan[] = [];
  const live = new Set<string>();
  for (const add of snapshot.files) {
    const path = snapshot.filePath(add);
    live.add(path);
    const st = await stat(path).catch(() => undefined);
    if (!st)
      problems.push({ kind: 'missing-file', path, detail: `logged by the oplog but not on disk` });
    else if (st.size !== add.size)
      problems.push({
        kind: 'size-mismatch',
        path,
        detail: `logged ${add.size} bytes, found ${st.size}`,
      });
  }
  // Every file the log still knows as removed (the checkpoint's tombstones and older commits'
  // removes): vacuum decides, by its retention, when they go.
  const retired = new Set(
    [...(await removedFiles(snapshot)).values()].map((r) =>
      snapshot.filePath({
        ...r,
        partitionValues: r.partitionValues ?? {},
        size: r.size ?? 0,
        modificationTime: 0,
        dataChange: false,
      }),
    ),
  );

  // Without every oplog file the rows are incomplete, and so is the set of referenced blobs.
  const rowsRead = !problems.some((p) => p.kind === 'missing-file');
  const rows = rowsRead ? await pond.allRows() : [];
  const blobs = new BlobStore(pond.layout.blobs);
  const referenced = new Set<string>();
  const digest = createHash('sha256');
  const sorted = [...rows].sort(
    (a, b) => a.txn_seq - b.txn_seq || cmp(a.node_id, b.node_id) || a.version - b.version,
  );
  for (const r of sorted) {
    const where = `node ${r.node_id} v${r.version} (txn ${r.txn_seq})`;
    let contentHash = '';
    if (r.content !== null) {
      contentHash = createHash('sha256').update(r.content).digest('hex');
      if (r.sha256 !== null && r.sha256 !== contentHash) {
        problems.push({
          kind: 'bad-content-hash',
          path: where,
          detail: `inline content hashes to ${contentHash}, row says ${r.sha256}`,
        });
      }
    }
    if (r.blob !== null) {
      referenced.add(r.blob);
      contentHash = r.blob;
      const path = blobs.path(r.blob);
      const actual = await hashFile(path).catch(() => undefined);
      if (actual === undefined)
        problems.push({ kind: 'missing-blob', path, detail: `needed by ${where}` });
      else if (actual !== r.blob)
        problems.push({
          kind: 'bad-blob-hash',
          path,
          detail: `content hashes to ${actual} (${where})`,
        });
    }
    if (r.entry_type === 'directory' && r.factory === null) {
      try {
        const bytes = r.content ?? (await blobs.read(r.blob!));
        decodeDirectory(bytes, where);
      } catch (e) {
        problems.push({ kind: 'bad-directory', path: where, detail: (e as Error).message });
      }
    }
    digest.update(
      `${r.part_id} ${r.node_id} ${r.version} ${r.entry_type} ${r.txn_seq} ${contentHash}\n`,
    );
  }

  const scan = await scanPond(pond.layout);
  for (const f of scan.files) {
    if (f.kind === 'oplog' && !live.has(f.path) && !retired.has(f.path))
      orphans.push({
        kind: 'data-file',
        path: f.path,
        detail:
          'no commit names it; maintain removes it once it is older than the vacuum retention',
      });
    else if (
      f.kind === 'blob' &&
      rowsRead &&
      !referenced.has(f.path.slice(f.path.lastIndexOf('=') + 1))
    )
      orphans.push({ kind: 'blob', path: f.path });
    else if (f.kind === 'log-temp' || f.kind === 'old-temp')
      orphans.push({ kind: 'temp-file', path: f.path });
  }
  for (const s of scan.staging) {
    if (s.leftover !== undefined)
      orphans.push({ kind: 'staging', path: s.path, detail: s.leftover });
  }
  return {
    version: snapshot.version,
    liveFiles: snapshot.files.length,
    rows: rows.length,
    blobs: referenced.size,
    digest: digest.digest('hex'),
    problems,
    orphans: orphans.sort((a, b) => cmp(a.path, b.path)),
    foreign: scan.foreign,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
