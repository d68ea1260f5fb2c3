import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore, hashFile } from './blob-store.js';
import { decodeDirectory } from './directory-snapshot.js';
import type { Pond } from './pond.js';

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

export interface FsckOrphan {
  kind: 'data-file' | 'blob' | 'temp-file';
  path: string;
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
}

/**
 * Checks a pond: every live data file exists with its logged size, every inline content and
 * blob hashes to what its row says, every directory snapshot decodes; and lists orphans (files
 * no commit references: leftovers of transactions that never committed). Damage is a problem;
 * orphans are not (maintain removes them).
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
  const retired = new Set(
    (await snapshot.tombstones()).map((r) =>
      snapshot.filePath({
        ...r,
        partitionValues: r.partitionValues ?? {},
        size: r.size ?? 0,
        modificationTime: 0,
        dataChange: false,
      }),
    ),
  );

  const rows = problems.some((p) => p.kind === 'missing-file') ? [] : await pond.allRows();
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

  for (const file of await dataFiles(pond.layout.data)) {
    if (!live.has(file) && !retired.has(file)) orphans.push({ kind: 'data-file', path: file });
  }
  const { blobs: blobNames, temps } = await blobs.list();
  for (const b of blobNames)
    if (!referenced.has(b)) orphans.push({ kind: 'blob', path: blobs.path(b) });
  for (const t of temps) orphans.push({ kind: 'temp-file', path: join(blobs.dir, t) });
  for (const t of await readdir(join(pond.layout.data, '_delta_log')).catch(() => [] as string[])) {
    if (t.startsWith('_commit_') || t.startsWith('.tmp'))
      orphans.push({ kind: 'temp-file', path: join(pond.layout.data, '_delta_log', t) });
  }
  return {
    version: snapshot.version,
    liveFiles: snapshot.files.length,
    rows: rows.length,
    blobs: referenced.size,
    digest: digest.digest('hex'),
    problems,
    orphans: orphans.sort((a, b) => cmp(a.path, b.path)),
  };
}

/** Data files of the table: everything below data/ except `_`- and `.`-prefixed names. */
export async function dataFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.name.startsWith('_') || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await dataFiles(root, p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
