import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import {
  LOG_DIR,
  decodeDataPath,
  parseCommit,
  readCheckpoint,
  type Action,
} from '../delta/index.js';
import { FileStore } from './file-store.js';
import { LOG_PREFIX, readLogView, type LogView } from './log-view.js';
import { eachLimited, type ObjectStore } from './object-store.js';
import { compareLogs, type Relation } from './relation.js';

/** One log file to publish, in order: commits (with their bytes) and checkpoint files. */
export interface LogEntry {
  key: string;
  version: number;
  kind: 'commit' | 'checkpoint';
  bytes?: Buffer;
  mtimeMs?: number;
}

/** What a transfer sends: the log segment after the target's tip and the files it names. */
export interface TransferPlan {
  relation: Relation;
  /** The target's tip before (-1 when empty) and the source's tip: the versions sent are after `from`. */
  from: number;
  to: number;
  log: LogEntry[];
  /** Data files named by the segment: whether the source's newest version needs each, its logged size. */
  dataFiles: Map<string, { live: boolean; size?: number }>;
  sourceView: LogView;
  targetView: LogView;
}

export interface TransferCounts {
  commits: number;
  checkpoints: number;
  dataFiles: number;
  blobs: number;
  /** Objects the target already had (from an earlier, interrupted transfer or another pusher). */
  present: number;
  /** Files of old versions the source no longer has (vacuumed); the newest version never lacks any. */
  missingOld: number;
  bytes: number;
}

/**
 * Plans sending `source`'s newer history to `target`. Diverged histories and a target that is
 * ahead are refused by the caller (it knows which way is which); this only reads.
 */
export async function planTransfer(
  source: ObjectStore,
  target: ObjectStore,
): Promise<TransferPlan> {
  let sourceView = await readLogView(source);
  const targetView = await readLogView(target);
  const relation = await compareLogs(
    { store: source, view: sourceView },
    { store: target, view: targetView },
  );
  const from = targetView.tip;
  const plan: TransferPlan = {
    relation,
    from,
    to: sourceView.tip,
    log: [],
    dataFiles: new Map(),
    sourceView,
    targetView,
  };
  if (relation.kind !== 'behind' && relation.kind !== 'empty') return plan;
  if (sourceView.listedFrom > from + 1) sourceView = await readLogView(source, { full: true });
  plan.sourceView = sourceView;
  const to = sourceView.tip;

  // Commits after the target's tip; if the source's log was cleaned up below some of them, the
  // segment starts at a checkpoint with every commit after it.
  const commits = [...sourceView.commits.keys()]
    .filter((v) => v > from && v <= to)
    .sort((a, b) => a - b);
  let start = from + 1;
  const gap = firstGap(commits, start, to);
  let checkpointStart: number | undefined;
  if (gap !== undefined) {
    checkpointStart = [...sourceView.checkpoints.keys()]
      .filter((c) => c > from && c <= to && firstGap(commits, c + 1, to) === undefined)
      .sort((a, b) => b - a)[0];
    if (checkpointStart === undefined) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `${source.url}: the Delta log has no version ${gap} and no checkpoint after it: it cannot be sent`,
        { input: `${source.url}/${LOG_PREFIX}` },
      );
    }
    start = checkpointStart + 1;
  }

  // The live set through the segment: adds make a file live, removes end it.
  const live = new Map<string, boolean>();
  const sizes = new Map<string, number>();
  if (checkpointStart !== undefined) {
    for (const a of await checkpointActions(source, target, checkpointStart, sourceView)) {
      if (!('add' in a)) continue;
      live.set(keyOf(source, a.add.path), true);
      sizes.set(keyOf(source, a.add.path), a.add.size);
    }
  }
  const read = new Map<number, { bytes: Buffer; mtimeMs?: number }>();
  await eachLimited(commits, 16, async (v) => {
    const got = await source.read(sourceView.commits.get(v)!);
    if (!got) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `${source.url}: commit ${v} vanished while it was read`,
        { input: sourceView.commits.get(v)! },
      );
    }
    read.set(v, got);
  });
  for (const v of commits) {
    const got = read.get(v)!;
    const actions = parseCommit(got.bytes.toString('utf8'), v);
    // Commits below a starting checkpoint only name files for time travel; the checkpoint and
    // the commits after it decide what the newest version needs.
    const counts = v >= start;
    for (const a of actions) {
      if ('add' in a) {
        const k = keyOf(source, a.add.path);
        sizes.set(k, a.add.size);
        if (counts) live.set(k, true);
        else if (!live.has(k)) live.set(k, false);
      } else if ('remove' in a && counts) live.set(keyOf(source, a.remove.path), false);
    }
    const mtimeMs = got.mtimeMs ?? commitTime(actions);
    plan.log.push({
      key: sourceView.commits.get(v)!,
      version: v,
      kind: 'commit',
      bytes: got.bytes,
      ...(mtimeMs === undefined ? {} : { mtimeMs }),
    });
  }
  for (const [k, isLive] of live) {
    const size = sizes.get(k);
    plan.dataFiles.set(k, size === undefined ? { live: isLive } : { live: isLive, size });
  }
  // Checkpoint files go right after their version's commit (or in its place after log cleanup).
  for (const [c, keys] of sourceView.checkpoints) {
    if (c <= from || c > to) continue;
    for (const key of keys) plan.log.push({ key, version: c, kind: 'checkpoint' });
  }
  plan.log.sort((a, b) => a.version - b.version || (a.kind === 'commit' ? -1 : 1));
  return plan;
}

/**
 * The actions of a checkpoint of the source: read where it lies, or from a copy in the target's
 * scratch folder (one of the two is a host folder).
 */
async function checkpointActions(
  source: ObjectStore,
  target: ObjectStore,
  version: number,
  view: LogView,
): Promise<Action[]> {
  const keys = view.checkpoints.get(version)!;
  const names = keys.map((k) => k.slice(LOG_PREFIX.length));
  if (source instanceof FileStore)
    return readCheckpoint(source.root, { version, files: names }, 'state');
  if (!(target instanceof FileStore)) {
    throw new PondError(
      ErrorCode.Unsupported,
      `cannot read ${source.url}'s checkpoint for ${target.url}: one of them must be a host folder`,
    );
  }
  const tmp = await target.scratchFolder();
  try {
    await mkdir(join(tmp, LOG_DIR));
    for (const [i, key] of keys.entries())
      await source.download(key, join(tmp, LOG_DIR, names[i]!));
    return await readCheckpoint(tmp, { version, files: names }, 'state');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The object key of a data file named in the log (its path, decoded once). */
function keyOf(store: ObjectStore, logPath: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(logPath) || logPath.startsWith('/')) {
    throw new PondError(
      ErrorCode.DeltaUnsupported,
      `${store.url}: data file '${logPath}' is not inside the table; only tables with relative paths can be sent`,
      { input: logPath },
    );
  }
  return decodeDataPath(logPath);
}

/** The commit's own time (commitInfo.timestamp), for stores that do not keep file times. */
function commitTime(actions: Action[]): number | undefined {
  for (const a of actions) {
    if ('commitInfo' in a && typeof a.commitInfo['timestamp'] === 'number')
      return a.commitInfo['timestamp'];
  }
  return undefined;
}

/** The first version in [from, to] missing from the sorted list, or undefined. */
function firstGap(sorted: number[], from: number, to: number): number | undefined {
  const have = new Set(sorted);
  for (let v = from; v <= to; v++) if (!have.has(v)) return v;
  return undefined;
}
