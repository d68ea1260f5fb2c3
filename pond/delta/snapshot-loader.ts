import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { RemoveFile } from './actions.js';
import { readCheckpoint } from './checkpoint-read.js';
import {
  type CommitContent,
  missingVersion,
  readCommitRange,
  readCommitsAfter,
} from './commit-file.js';
import { readLastCheckpoint } from './last-checkpoint.js';
import {
  type CheckpointRef,
  checkpointRef,
  commitFileName,
  listLog,
  logDir,
  notATable,
} from './log-listing.js';
import { TableState } from './replay.js';
import { Snapshot } from './snapshot.js';

/**
 * Building snapshots from the log: the newest checkpoint at or below the wanted version, then the
 * JSON commits after it (PROTOCOL "Checkpoints", kernel-rs "log segment").
 *
 * The latest snapshot starts from `_last_checkpoint` and probes the commits after it one by one,
 * so opening a table costs one checkpoint plus at most a checkpoint interval of small files,
 * however long its history. Listing `_delta_log` (O(history)) happens only without a usable hint
 * and for time travel.
 */

export async function loadLatest(root: string): Promise<Snapshot> {
  await assertTable(root);
  const hint = await readLastCheckpoint(root);
  if (hint) {
    const ref = checkpointRef(hint.version, hint.parts);
    if (await allExist(root, ref.files)) {
      const state = new TableState(root);
      state.applyCheckpoint(
        await readCheckpoint(root, ref, 'state'),
        ref.version,
        ref.files[0]!,
        deferredRemoves(root, ref),
      );
      const commits = await readCommitsAfter(root, ref.version);
      return finish(root, state, commits);
    }
  }
  const listing = await listLog(root);
  const versions = [...listing.commits.keys(), ...listing.checkpoints.map((c) => c.version)];
  if (versions.length === 0) {
    throw new PondError(
      ErrorCode.NotFound,
      `${root} is not a Delta table: ${logDir(root)} has no commits`,
      {
        input: root,
      },
    );
  }
  return loadFromListing(
    root,
    Math.max(...versions),
    listing.checkpoints,
    new Set(listing.commits.keys()),
  );
}

/** The snapshot at `version` (time travel). */
export async function loadAt(root: string, version: number): Promise<Snapshot> {
  if (!Number.isInteger(version) || version < 0) {
    throw new PondError(ErrorCode.InvalidArgument, `'${version}' is not a table version`, {
      input: String(version),
    });
  }
  await assertTable(root);
  const listing = await listLog(root);
  const latest = Math.max(
    -1,
    ...listing.commits.keys(),
    ...listing.checkpoints.map((c) => c.version),
  );
  if (version > latest) {
    throw new PondError(
      ErrorCode.NotFound,
      `version ${version} of ${root} does not exist (latest is ${latest})`,
      {
        input: String(version),
      },
    );
  }
  return loadFromListing(root, version, listing.checkpoints, new Set(listing.commits.keys()));
}

/** The commits after `snapshot`, applied to a copy of its state; the same snapshot if none. */
export async function loadNewer(snapshot: Snapshot): Promise<Snapshot> {
  const commits = await readCommitsAfter(snapshot.root, snapshot.version);
  if (commits.length === 0) {
    // A hint beyond us with our next commit gone means the log was cleaned up past this
    // snapshot: start again from the newest checkpoint.
    const hint = await readLastCheckpoint(snapshot.root);
    return hint && hint.version > snapshot.version ? loadLatest(snapshot.root) : snapshot;
  }
  return finish(snapshot.root, snapshot.state.clone(), commits);
}

async function loadFromListing(
  root: string,
  version: number,
  checkpoints: CheckpointRef[],
  commits: Set<number>,
): Promise<Snapshot> {
  const cp = checkpoints.filter((c) => c.version <= version).at(-1);
  if (!cp && !commits.has(0) && checkpoints.length > 0) {
    throw new PondError(
      ErrorCode.NotFound,
      `version ${version} of ${root} is no longer in the log: the oldest version that can be read is ${checkpoints[0]!.version}`,
      { input: String(version) },
    );
  }
  const state = new TableState(root);
  if (cp)
    state.applyCheckpoint(
      await readCheckpoint(root, cp, 'state'),
      cp.version,
      cp.files[0]!,
      deferredRemoves(root, cp),
    );
  const from = cp ? cp.version + 1 : 0;
  for (let v = from; v <= version; v++) if (!commits.has(v)) throw missingVersion(root, v);
  return finish(root, state, await readCommitRange(root, from, version));
}

/** Loads a checkpoint's removes once, when something asks for tombstones. */
function deferredRemoves(root: string, ref: CheckpointRef): () => Promise<RemoveFile[]> {
  let loaded: Promise<RemoveFile[]> | undefined;
  return () =>
    (loaded ??= readCheckpoint(root, ref, 'removes').then((actions) =>
      actions.flatMap((a) => ('remove' in a ? [a.remove] : [])),
    ));
}

async function finish(
  root: string,
  state: TableState,
  commits: CommitContent[],
): Promise<Snapshot> {
  for (const c of commits) state.apply(c.actions, c.version);
  const last = commits.at(-1);
  const timestamp = last ? last.mtimeMs : await versionMtime(root, state.version);
  return new Snapshot(root, state, timestamp);
}

/** The commit file's mtime; a checkpoint-only version (commit cleaned up) uses the checkpoint's. */
async function versionMtime(root: string, version: number): Promise<number> {
  const dir = logDir(root);
  try {
    return Math.floor((await fs.stat(path.join(dir, commitFileName(version)))).mtimeMs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const listing = await listLog(root);
  const cp = listing.checkpoints.find((c) => c.version === version);
  if (!cp) throw missingVersion(root, version);
  return Math.floor((await fs.stat(path.join(dir, cp.files[0]!))).mtimeMs);
}

async function allExist(root: string, files: string[]): Promise<boolean> {
  const dir = logDir(root);
  const found = await Promise.all(
    files.map((f) =>
      fs.stat(path.join(dir, f)).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  return found.every(Boolean);
}

async function assertTable(root: string): Promise<void> {
  try {
    if ((await fs.stat(logDir(root))).isDirectory()) return;
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code !== 'ENOENT' &&
      (e as NodeJS.ErrnoException).code !== 'ENOTDIR'
    )
      throw e;
  }
  throw notATable(root);
}
