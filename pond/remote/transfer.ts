import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { stringList } from '../duckdb/sql.js';
import {
  LOG_DIR,
  decodeDataPath,
  parseCommit,
  readCheckpoint,
  type Action,
} from '../delta/index.js';
import { BlobStore } from '../tlogfs/blob-store.js';
import { FileStore } from './file-store.js';
import { HINT_KEY, LOG_PREFIX, readLogView, type LogView } from './log-view.js';
import { eachLimited, type ObjectStore, type WriteOptions } from './object-store.js';
import { checkCancelled, TransferProgress, type RemoteWork } from './progress.js';
import { compareLogs, type Relation } from './relation.js';

const BLOB_DIR = '_large_files/';
const PARALLEL = 4;

/** One log file to publish, in order: commits (with their bytes) and checkpoint files. */
interface LogEntry {
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

export interface TransferResult {
  plan: TransferPlan;
  counts: TransferCounts;
}

/**
 * Plans sending `source`'s newer history to `target`. Diverged histories and a target that is
 * ahead are refused by the caller (it knows which way is which); this only reads.
 */
export async function planTransfer(
  source: ObjectStore,
  target: ObjectStore,
  session: DuckSession,
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
    for (const a of await checkpointActions(source, session, checkpointStart, sourceView)) {
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
 * Sends what the plan names that the target lacks: data files, then the blobs their rows name,
 * then the log entries in version order (each commit only if absent, the same bytes if present),
 * and the checkpoint hint last. Interrupted anywhere, the target stays at a complete version.
 */
export async function runTransfer(
  plan: TransferPlan,
  source: ObjectStore,
  target: ObjectStore,
  session: DuckSession,
  work: RemoteWork,
  verb: string,
): Promise<TransferCounts> {
  const counts: TransferCounts = {
    commits: 0,
    checkpoints: 0,
    dataFiles: 0,
    blobs: 0,
    present: 0,
    missingOld: 0,
    bytes: 0,
  };
  checkCancelled(work, verb);
  const dataKeys = [...plan.dataFiles.keys()];
  const [there, here] = await Promise.all([target.sizes(dataKeys), source.sizes(dataKeys)]);
  const toSend: string[] = [];
  for (const key of dataKeys) {
    const size = here.get(key);
    if (size === undefined) {
      if (plan.dataFiles.get(key)!.live && !there.has(key)) {
        throw new PondError(
          ErrorCode.DeltaCorrupt,
          `${source.url}: data file ${key} of version ${plan.to} is missing (pond fsck)`,
          { input: `${source.url}/${key}` },
        );
      }
      if (!there.has(key)) counts.missingOld++;
      continue;
    }
    if (there.has(key)) {
      checkSize(target, key, there.get(key)!, size);
      counts.present++;
    } else toSend.push(key);
  }
  const logFiles = plan.log.filter((e) => e.kind === 'checkpoint').map((e) => e.key);
  const logSizes = await source.sizes(logFiles);
  let totalBytes = toSend.reduce((n, k) => n + here.get(k)!, 0);
  totalBytes += [...logSizes.values()].reduce((n, s) => n + s, 0);
  const progress = new TransferProgress(work, verb, totalBytes, toSend.length + plan.log.length);
  progress.report(true);

  await eachLimited(toSend, PARALLEL, async (key) => {
    checkCancelled(work, verb);
    const r = await copyObject(source, target, key, {});
    counts.dataFiles++;
    counts.bytes += r;
    progress.object(r);
  });

  // Blobs named by the rows of every data file of the segment (even ones already there: an
  // interrupted transfer may have sent a data file and not yet all of its blobs).
  const blobs = await blobsNamed(session, source, target, dataKeys, plan.dataFiles);
  const blobKeys = [...blobs.keys()];
  const [blobsThere, blobsHere] = await Promise.all([
    target.sizes(blobKeys),
    source.sizes(blobKeys),
  ]);
  const blobsToSend: string[] = [];
  for (const key of blobKeys) {
    const size = blobsHere.get(key);
    if (blobsThere.has(key)) {
      if (size !== undefined) checkSize(target, key, blobsThere.get(key)!, size);
      counts.present++;
    } else if (size === undefined) {
      if (blobs.get(key)) {
        throw new PondError(
          ErrorCode.DeltaCorrupt,
          `${source.url}: blob ${key} named by version ${plan.to} is missing (pond fsck)`,
          { input: `${source.url}/${key}` },
        );
      }
      counts.missingOld++;
    } else blobsToSend.push(key);
  }
  progress.extend(
    blobsToSend.reduce((n, k) => n + blobsHere.get(k)!, 0),
    blobsToSend.length,
  );
  await eachLimited(blobsToSend, PARALLEL, async (key) => {
    checkCancelled(work, verb);
    const r = await copyObject(source, target, key, { sha256: key.slice(key.indexOf('=') + 1) });
    counts.blobs++;
    counts.bytes += r;
    progress.object(r);
  });
  if (target instanceof FileStore) await target.flush();

  // The log, oldest first: each version becomes visible only after everything it names.
  for (const e of plan.log) {
    checkCancelled(work, verb);
    if (e.kind === 'commit') {
      const r = await target.writeBytes(e.key, e.bytes!, {
        ifAbsent: true,
        ...(e.mtimeMs === undefined ? {} : { mtimeMs: e.mtimeMs }),
      });
      if (!r.written) {
        const there = await target.read(e.key);
        if (!there || !there.bytes.equals(e.bytes!)) {
          throw new PondError(
            ErrorCode.Conflict,
            `${target.url}: transaction ${e.version} there is not this pond's: the histories diverged while sending`,
            { input: `${target.url}/${e.key}` },
          );
        }
        counts.present++;
      } else {
        counts.commits++;
        counts.bytes += r.size;
      }
      progress.object(r.size);
    } else {
      const r = await copyObject(source, target, e.key, {});
      counts.checkpoints++;
      counts.bytes += r;
      progress.object(r);
    }
  }
  // The hint last, and never backwards.
  const hint = plan.sourceView.hint;
  if (
    hint &&
    hint.version <= plan.to &&
    hint.version > (plan.targetView.hint?.version ?? -1) &&
    (plan.log.some((e) => e.kind === 'checkpoint' && e.version === hint.version) ||
      plan.targetView.checkpoints.has(hint.version))
  ) {
    await target.writeBytes(HINT_KEY, hint.bytes, { replace: true });
  }
  progress.report(true);
  return counts;
}

/** Copies one object; returns its size. Host-folder sources upload; others download into a host folder. */
async function copyObject(
  source: ObjectStore,
  target: ObjectStore,
  key: string,
  options: WriteOptions,
): Promise<number> {
  if (source.localPath) return (await target.upload(key, source.localPath(key), options)).size;
  if (target instanceof FileStore) {
    const r = await target.receive(
      key,
      async (tmp) => (await source.download(key, tmp)).sha256,
      options,
    );
    return r.size;
  }
  throw new PondError(
    ErrorCode.Unsupported,
    `cannot copy from ${source.url} to ${target.url} directly: one of them must be a host folder`,
  );
}

function checkSize(store: ObjectStore, key: string, there: number, here: number): void {
  if (there !== here) {
    throw new PondError(
      ErrorCode.Remote,
      `${store.url}: ${key} is there with ${there} bytes, not ${here}: that copy is damaged (pond verify)`,
      { input: `${store.url}/${key}` },
    );
  }
}

/** Blob keys named by the oplog rows of these data files -> whether a live file names it. */
async function blobsNamed(
  session: DuckSession,
  source: ObjectStore,
  target: ObjectStore,
  keys: readonly string[],
  files: TransferPlan['dataFiles'],
): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const paths = new Map<string, boolean>();
  const local = await (source.localPath ? source.sizes(keys) : target.sizes(keys));
  for (const k of keys) {
    if (!local.has(k)) continue;
    const path = source.localPath ? source.localPath(k) : target.localPath!(k);
    paths.set(path, files.get(k)?.live ?? false);
  }
  for (const r of await blobsInFiles(session, [...paths.keys()]))
    out.set(r.key, (out.get(r.key) ?? false) || (paths.get(r.file) ?? false));
  return out;
}

/** The blob keys (`_large_files/sha256=...`) named by the oplog rows of these Parquet files. */
export async function blobsInFiles(
  session: DuckSession,
  files: readonly string[],
): Promise<{ key: string; file: string }[]> {
  const out: { key: string; file: string }[] = [];
  for (let i = 0; i < files.length; i += 500) {
    const batch = files.slice(i, i + 500);
    const rows = await session.all<{ blob: string; filename: string }>(
      `SELECT DISTINCT blob, filename FROM read_parquet(${stringList(batch)}, filename = true) WHERE blob IS NOT NULL`,
    );
    for (const r of rows)
      out.push({ key: BLOB_DIR + BlobStore.blobName(r.blob), file: r.filename });
  }
  return out;
}

/** The actions of a checkpoint of the source (read where it lies, or from a temp copy). */
async function checkpointActions(
  source: ObjectStore,
  session: DuckSession,
  version: number,
  view: LogView,
): Promise<Action[]> {
  const keys = view.checkpoints.get(version)!;
  const names = keys.map((k) => k.slice(LOG_PREFIX.length));
  if (source instanceof FileStore)
    return readCheckpoint(session, source.root, { version, files: names }, 'state');
  const tmp = await mkdtemp(join(tmpdir(), 'pond-checkpoint-'));
  try {
    await mkdir(join(tmp, LOG_DIR));
    for (const [i, key] of keys.entries())
      await source.download(key, join(tmp, LOG_DIR, names[i]!));
    return await readCheckpoint(session, tmp, { version, files: names }, 'state');
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
