import {
  LAST_CHECKPOINT,
  LOG_DIR,
  checkpointFileName,
  commitFileName,
  parseLogFileName,
} from '../delta/index.js';
import type { ObjectStore } from './object-store.js';

export const LOG_PREFIX = `${LOG_DIR}/`;
export const HINT_KEY = `${LOG_PREFIX}${LAST_CHECKPOINT}`;

/** The Delta log of a store, as listed: which commits and complete checkpoints it holds. */
export interface LogView {
  /** version -> key of the commit file. */
  commits: Map<number, string>;
  /** version -> keys of the checkpoint's files (complete checkpoints only). */
  checkpoints: Map<number, string[]>;
  /** The newest version (commit or checkpoint); -1 for a store without a log. */
  tip: number;
  /** The lowest version this listing can vouch for: versions below it were not listed. */
  listedFrom: number;
  /** The `_last_checkpoint` hint's bytes and version, when it parses. */
  hint?: { version: number; bytes: Buffer };
}

export function commitKey(version: number): string {
  return LOG_PREFIX + commitFileName(version);
}

export function checkpointKey(version: number): string {
  return LOG_PREFIX + checkpointFileName(version);
}

/**
 * Lists a store's log. By default the listing starts at the `_last_checkpoint` hint (one small read
 * and a listing of the versions after it, however long the history); `full` lists everything.
 */
export async function readLogView(
  store: ObjectStore,
  options: { full?: boolean } = {},
): Promise<LogView> {
  const hint = await readHint(store);
  const from = options.full || !hint ? undefined : hint.version;
  const listed = await store.listFolder(
    LOG_PREFIX,
    from === undefined ? undefined : LOG_PREFIX + String(from).padStart(20, '0'),
  );
  const commits = new Map<number, string>();
  const parts = new Map<number, Map<number, Map<number, string>>>();
  for (const o of listed) {
    const name = parseLogFileName(o.key.slice(LOG_PREFIX.length));
    if (!name) continue;
    if (name.kind === 'commit') commits.set(name.version, o.key);
    else {
      const byParts = parts.get(name.version) ?? new Map<number, Map<number, string>>();
      parts.set(name.version, byParts);
      const seen = byParts.get(name.parts) ?? new Map<number, string>();
      byParts.set(name.parts, seen);
      seen.set(name.part, o.key);
    }
  }
  const checkpoints = new Map<number, string[]>();
  for (const [version, byParts] of parts) {
    for (const [count, seen] of [...byParts].sort((a, b) => a[0] - b[0])) {
      if (seen.size === count) {
        checkpoints.set(
          version,
          [...seen].sort((a, b) => a[0] - b[0]).map(([, k]) => k),
        );
        break;
      }
    }
  }
  const versions = [...commits.keys(), ...checkpoints.keys()];
  const view: LogView = {
    commits,
    checkpoints,
    tip: versions.length ? Math.max(...versions) : -1,
    listedFrom: from ?? 0,
    ...(hint ? { hint } : {}),
  };
  // A hint ahead of everything listed is stale or foreign: list the whole log instead.
  if (from !== undefined && view.tip < from) return readLogView(store, { full: true });
  return view;
}

async function readHint(store: ObjectStore): Promise<LogView['hint']> {
  const got = await store.read(HINT_KEY);
  if (!got) return undefined;
  try {
    const v = (JSON.parse(got.bytes.toString('utf8')) as { version?: unknown }).version;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0)
      return { version: v, bytes: got.bytes };
  } catch {
    // A hint that does not parse is ignored, as Delta readers do.
  }
  return undefined;
}
