import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * The files of `_delta_log`: commits `%020d.json`, classic checkpoints `%020d.checkpoint.parquet`
 * and multi-part checkpoints `%020d.checkpoint.%010d.%010d.parquet` (PROTOCOL "File Types").
 * Anything else (temp files, `.crc`, compacted logs, UUID/v2 checkpoints, subfolders) is ignored.
 */

export const LOG_DIR = '_delta_log';

/** A complete checkpoint: one classic file, or every part of a multi-part one. */
export interface CheckpointRef {
  version: number;
  /** File names inside `_delta_log`. */
  files: string[];
}

export interface LogListing {
  /** version -> commit file name */
  commits: Map<number, string>;
  /** Complete checkpoints, oldest first. */
  checkpoints: CheckpointRef[];
}

export function logDir(root: string): string {
  return path.join(root, LOG_DIR);
}

const pad = (v: number, n: number): string => String(v).padStart(n, '0');

export function commitFileName(version: number): string {
  return `${pad(version, 20)}.json`;
}

export function checkpointFileName(version: number): string {
  return `${pad(version, 20)}.checkpoint.parquet`;
}

export function checkpointPartFileName(version: number, part: number, parts: number): string {
  return `${pad(version, 20)}.checkpoint.${pad(part, 10)}.${pad(parts, 10)}.parquet`;
}

/** The checkpoint files named by a version and part count (from `_last_checkpoint`). */
export function checkpointRef(version: number, parts: number | undefined): CheckpointRef {
  if (parts === undefined || parts === 1) {
    // Spark writes parts=1 only for single-file checkpoints it names classically.
    return { version, files: [checkpointFileName(version)] };
  }
  return {
    version,
    files: Array.from({ length: parts }, (_, i) => checkpointPartFileName(version, i + 1, parts)),
  };
}

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const PART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

/** What a `_delta_log` file name is: a commit, one file of a checkpoint, or nothing we read. */
export type LogFileName =
  | { kind: 'commit'; version: number }
  | { kind: 'checkpoint'; version: number; part: number; parts: number };

/** Parses a `_delta_log` file name (temp files, `.crc`, `_last_checkpoint`... are undefined). */
export function parseLogFileName(name: string): LogFileName | undefined {
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]) };
  m = CLASSIC.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), part: 1, parts: 1 };
  m = PART.exec(name);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= Number(m[3]))
    return { kind: 'checkpoint', version: Number(m[1]), part: Number(m[2]), parts: Number(m[3]) };
  return undefined;
}

/** Lists `_delta_log`. A missing folder means the root is not a Delta table. */
export async function listLog(root: string): Promise<LogListing> {
  const dir = logDir(root);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code === 'ENOENT' ||
      (e as NodeJS.ErrnoException).code === 'ENOTDIR'
    ) {
      throw notATable(root);
    }
    throw e;
  }
  const commits = new Map<number, string>();
  const classic = new Map<number, string>();
  // version -> parts -> part numbers seen
  const multi = new Map<number, Map<number, Set<number>>>();
  for (const e of entries) {
    if (!e.isFile()) continue;
    const name = e.name;
    let m = COMMIT.exec(name);
    if (m) {
      commits.set(Number(m[1]), name);
      continue;
    }
    m = CLASSIC.exec(name);
    if (m) {
      classic.set(Number(m[1]), name);
      continue;
    }
    m = PART.exec(name);
    if (m) {
      const version = Number(m[1]);
      const part = Number(m[2]);
      const parts = Number(m[3]);
      if (part < 1 || part > parts) continue;
      const byParts = multi.get(version) ?? new Map<number, Set<number>>();
      multi.set(version, byParts);
      const seen = byParts.get(parts) ?? new Set<number>();
      byParts.set(parts, seen);
      seen.add(part);
    }
  }
  const checkpoints = new Map<number, CheckpointRef>();
  for (const [version, name] of classic) checkpoints.set(version, { version, files: [name] });
  for (const [version, byParts] of multi) {
    if (checkpoints.has(version)) continue; // prefer the single file
    // Multi-part checkpoints with missing parts are ignored (PROTOCOL "Checkpoints").
    for (const [parts, seen] of byParts) {
      if (seen.size === parts) {
        checkpoints.set(version, checkpointRef(version, parts));
        break;
      }
    }
  }
  return {
    commits,
    checkpoints: [...checkpoints.values()].sort((a, b) => a.version - b.version),
  };
}

export function notATable(root: string): PondError {
  return new PondError(
    ErrorCode.NotFound,
    `${root} is not a Delta table: it has no ${LOG_DIR} folder`,
    {
      input: root,
    },
  );
}
