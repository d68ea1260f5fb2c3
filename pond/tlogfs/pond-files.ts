import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PondLayout } from './layout.js';
import { listStaging, STAGING_DIR, type StagingFolder } from './staging.js';

/**
 * The files a pond writes, known by the exact shapes of their names, so that cleanup never
 * guesses. Under data/ (the Delta table):
 *   part_id=<uuid>/part-<uuid>.parquet        oplog files (pond/delta writeFiles: DuckDB's
 *                                             PARTITION_BY with FILENAME_PATTERN 'part-{uuid}')
 *   _delta_log/<20 digits>.json, <20 digits>.checkpoint.parquet, _last_checkpoint    the log
 *   _delta_log/_commit_<uuid>.json.tmp, _checkpoint_<uuid>.{parquet,ndjson}.tmp,
 *     _last_checkpoint_<uuid>.tmp             log temps (commit, checkpoint-write, last-checkpoint)
 *   _large_files/sha256=<64 hex>              blobs (blob-store)
 *   _large_files/.tmp-<uuid>...               temp files of pond versions before staging
 *   _large_files/_staging/<pid>-<uuid>@<host>/   staging folders (staging.ts)
 * Under cache/ (derived, rebuilt on demand):
 *   inline/sha256=<64 hex>, inline/sha256=dynamic-<uuid>    (query/source materialize)
 *   csv/<64 hex>.parquet, ....parquet.<8 hex>.tmp      (query/csv-cache: CSV data files parsed)
 *   csv-directory/... of the same shapes                 (the same, by pond versions before it)
 *   runs/<node uuid>.json, ....json.<8 hex>.tmp          (factories/run-record: last runs)
 * Anything else is foreign: someone else put it there, so the pond reports it and never
 * deletes it. (A file of one of these shapes is taken as ours, whoever made it.)
 */

export type PondFileKind =
  /** An oplog file of the Delta table (live, retired or orphan: the log decides). */
  | 'oplog'
  /** A commit, checkpoint or _last_checkpoint of the Delta log. */
  | 'log'
  /** A temp file of a log write: under the write lock, always a crashed writer's leftover. */
  | 'log-temp'
  | 'blob'
  /** `_large_files/.tmp-*`, written by pond versions before staging folders. */
  | 'old-temp'
  | 'cache';

export interface PondFile {
  path: string;
  kind: PondFileKind;
}

export interface ForeignEntry {
  path: string;
  /** A foreign folder is reported as one entry; the pond does not look inside. */
  isDirectory: boolean;
}

export interface PondScan {
  files: PondFile[];
  staging: StagingFolder[];
  foreign: ForeignEntry[];
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const HEX64 = '[0-9a-f]{64}';
const PARTITION_DIR = new RegExp(`^part_id=${UUID}$`);
const OPLOG_FILE = new RegExp(`^part-${UUID}\\.parquet$`);
const LOG_FILE = /^(\d{20}\.json|\d{20}\.checkpoint\.parquet|_last_checkpoint)$/;
const LOG_TEMP = new RegExp(
  `^(_commit_${UUID}\\.json\\.tmp|_checkpoint_${UUID}\\.(parquet|ndjson)\\.tmp|_last_checkpoint_${UUID}\\.tmp)$`,
);
const BLOB = new RegExp(`^sha256=${HEX64}$`);
const OLD_TEMP = new RegExp(`^\\.tmp-${UUID}(\\.[a-z]+)?$`);
const CACHE = new Map<string, RegExp>([
  ['inline', new RegExp(`^sha256=(${HEX64}|dynamic-${UUID})$`)],
  ['csv', new RegExp(`^${HEX64}\\.parquet(\\.[0-9a-f]{8}\\.tmp)?$`)],
  ['csv-directory', new RegExp(`^${HEX64}\\.parquet(\\.[0-9a-f]{8}\\.tmp)?$`)],
  ['runs', new RegExp(`^${UUID}\\.json(\\.[0-9a-f]{8}\\.tmp)?$`)],
]);

/**
 * Whether a path of the Delta table (relative to data/, `/`-separated) is an oplog file or a
 * partition folder of one: the only things vacuum may delete.
 */
export function isOplogPath(relative: string, isDirectory: boolean): boolean {
  const parts = relative.split('/');
  if (isDirectory) return parts.length === 1 && PARTITION_DIR.test(parts[0]!);
  return parts.length === 2 && PARTITION_DIR.test(parts[0]!) && OPLOG_FILE.test(parts[1]!);
}

/** Whether a file of `_delta_log` (a name) is a commit or checkpoint the pond writes. */
export function isOwnLogFile(name: string): boolean {
  return LOG_FILE.test(name);
}

/** Every file under the pond's data/ and cache/ folders, by kind; foreign entries apart. */
export async function scanPond(layout: PondLayout): Promise<PondScan> {
  const scan: PondScan = { files: [], staging: [], foreign: [] };
  for (const e of await entries(layout.data)) {
    const path = join(layout.data, e.name);
    if (e.isDirectory() && e.name === '_delta_log') {
      await scanFolder(scan, path, (n) =>
        LOG_FILE.test(n) ? 'log' : LOG_TEMP.test(n) ? 'log-temp' : undefined,
      );
    } else if (e.isDirectory() && e.name === '_large_files') {
      await scanFolder(
        scan,
        path,
        (n) => (BLOB.test(n) ? 'blob' : OLD_TEMP.test(n) ? 'old-temp' : undefined),
        STAGING_DIR,
      );
      const staging = await listStaging(path);
      scan.staging.push(...staging.folders);
      for (const f of staging.foreign) scan.foreign.push({ path: f, isDirectory: await isDir(f) });
    } else if (e.isDirectory() && PARTITION_DIR.test(e.name)) {
      await scanFolder(scan, path, (n) => (OPLOG_FILE.test(n) ? 'oplog' : undefined));
    } else {
      scan.foreign.push({ path, isDirectory: e.isDirectory() });
    }
  }
  for (const e of await entries(layout.cache)) {
    const path = join(layout.cache, e.name);
    const shape = CACHE.get(e.name);
    if (e.isDirectory() && shape)
      await scanFolder(scan, path, (n) => (shape.test(n) ? 'cache' : undefined));
    else scan.foreign.push({ path, isDirectory: e.isDirectory() });
  }
  scan.files.sort((a, b) => cmp(a.path, b.path));
  scan.foreign.sort((a, b) => cmp(a.path, b.path));
  return scan;
}

/** Files of one folder by `kind`; anything it does not name is foreign (`skip`: listed elsewhere). */
async function scanFolder(
  scan: PondScan,
  dir: string,
  kind: (name: string) => PondFileKind | undefined,
  skip?: string,
): Promise<void> {
  for (const e of await entries(dir)) {
    if (e.name === skip) continue;
    const path = join(dir, e.name);
    const k = e.isFile() ? kind(e.name) : undefined;
    if (k === undefined) {
      scan.foreign.push({ path, isDirectory: e.isDirectory() });
      continue;
    }
    scan.files.push({ path, kind: k });
  }
}

async function entries(dir: string): Promise<Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
}

async function isDir(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isDirectory() ?? false;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
