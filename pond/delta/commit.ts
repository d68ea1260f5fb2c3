import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { type Action, type Metadata, type Protocol, serializeAction } from './actions.js';
import { readCommitFile } from './commit-file.js';
import { fileKey } from './data-paths.js';
import { syncAddedFiles } from './durable-files.js';
import { commitFileName, logDir } from './log-listing.js';
import { checkWriteSupport } from './protocol-support.js';
import { parseSchema } from './schema.js';
import type { Snapshot } from './snapshot.js';
import { isAppendOnly } from './table-config.js';

/**
 * Publishing a commit: the actions go to `_delta_log/%020d.json` with put-if-absent (a temp file
 * in `_delta_log`, fsynced, hard-linked to the final name: `link` fails with EEXIST when another
 * writer got there first). A lost race is retried at the next version when our change cannot
 * conflict with the winners' (PROTOCOL "Creation of New Log Entries"; delta-rs retries the same).
 */

export interface CommitRequest {
  actions: Action[];
  /** Flattened into the commitInfo action, after the keys we set. */
  commitInfo?: Record<string, unknown>;
  /** The version the change was based on (-1 when creating the table). */
  readVersion: number;
  /** Only adds new files from nothing it read: concurrent appends cannot conflict with it. */
  blindAppend: boolean;
}

export interface CommitOutcome {
  version: number;
  /** True when every txn of the request was already in the table: nothing was written. */
  noop: boolean;
  /** How many versions were lost to other writers before ours was published. */
  retries: number;
}

export const ENGINE_INFO = 'pond-delta/0.1.0';
const MAX_ATTEMPTS = 100;

/**
 * Commits `req` on the table whose latest snapshot is `latest` (undefined when creating it).
 * Validation happens before anything is written.
 */
export async function commitActions(
  root: string,
  latest: Snapshot | undefined,
  req: CommitRequest,
): Promise<CommitOutcome> {
  if (!Number.isInteger(req.readVersion) || req.readVersion < -1) {
    throw new PondError(ErrorCode.InvalidArgument, `readVersion must be an integer >= -1`, {
      input: String(req.readVersion),
    });
  }
  validate(root, latest, req);
  const ourTxns = new Map<string, number>();
  for (const a of req.actions) if ('txn' in a) ourTxns.set(a.txn.appId, a.txn.version);
  if (latest && ourTxns.size > 0) {
    const done = [...ourTxns].filter(([id, v]) => (latest.appTxns.get(id) ?? -Infinity) >= v);
    if (done.length === ourTxns.size) return { version: latest.version, noop: true, retries: 0 };
    if (done.length > 0) {
      throw new PondError(
        ErrorCode.Conflict,
        `txn ${done[0]![0]} version ${done[0]![1]} is already in ${root}, but other txns of the same commit are not`,
        { input: done[0]![0] },
      );
    }
  }
  const retryable = req.blindAppend || rearrangesOnly(req.actions);
  const ourRemoves = new Set(
    req.actions.flatMap((a) => ('remove' in a ? [fileKey(root, a.remove.path)] : [])),
  );
  const lost = (version: number, why: string | undefined): PondError =>
    new PondError(
      ErrorCode.Conflict,
      `commit to ${root} lost the race for version ${version}` +
        (why ? `: that commit ${why}` : ', and the change read data that it may have changed') +
        ` (read version ${req.readVersion})`,
      { input: path.join(logDir(root), commitFileName(version)) },
    );
  /** Checks a version another writer committed; true when it already holds our txns. */
  const checkWinner = async (version: number): Promise<boolean> => {
    const winner = await readCommitFile(root, version);
    if (!winner) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `version ${version} of ${root} vanished while committing`,
        {
          input: path.join(logDir(root), commitFileName(version)),
        },
      );
    }
    const why = conflictOf(root, winner.actions, ourTxns, ourRemoves);
    if (why === 'duplicate') return true;
    if (why !== undefined || !retryable) throw lost(version, why);
    return false;
  };
  let version = req.readVersion + 1;
  let retries = 0;
  // Versions we already know were committed since readVersion: check them without racing.
  for (; latest && version <= latest.version; version++, retries++) {
    if (await checkWinner(version)) return { version, noop: true, retries };
  }
  // What the commit names is durable before the commit is: a power loss never leaves a
  // committed version whose data files were only in the page cache.
  await syncAddedFiles(root, req.actions);
  // The commit is staged once (written and fsynced) and linked to each version we try.
  const staged = await stage(root, commitText(req));
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++, version++, retries++) {
      if (await publish(root, staged, version)) return { version, noop: false, retries };
      if (version === 0) {
        throw new PondError(ErrorCode.AlreadyExists, `a Delta table already exists at ${root}`, {
          input: root,
        });
      }
      if (await checkWinner(version)) return { version, noop: true, retries };
    }
  } finally {
    await fs.rm(staged, { force: true });
  }
  throw new PondError(
    ErrorCode.Conflict,
    `commit to ${root} gave up after losing ${MAX_ATTEMPTS} races (last tried version ${version - 1})`,
    { input: root },
  );
}

/** Why a winning commit conflicts with ours, 'duplicate' if it already carries our txn, or undefined. */
function conflictOf(
  root: string,
  winner: Action[],
  ourTxns: Map<string, number>,
  ourRemoves: Set<string>,
): string | 'duplicate' | undefined {
  for (const a of winner) {
    if ('metaData' in a) return 'changed the table metadata';
    if ('protocol' in a) return 'changed the table protocol';
  }
  for (const a of winner) {
    if ('txn' in a && ourTxns.has(a.txn.appId)) {
      if (a.txn.version >= ourTxns.get(a.txn.appId)!) return 'duplicate';
      return `also wrote txn ${a.txn.appId}`;
    }
    if ('remove' in a && ourRemoves.has(fileKey(root, a.remove.path)))
      return `also removed ${a.remove.path}`;
  }
  return undefined;
}

/** A commit that only moves data (optimize): dataChange=false everywhere, no metadata change. */
function rearrangesOnly(actions: Action[]): boolean {
  return actions.every(
    (a) =>
      ('add' in a && !a.add.dataChange) ||
      ('remove' in a && !a.remove.dataChange) ||
      'txn' in a ||
      'commitInfo' in a,
  );
}

function commitText(req: CommitRequest): string {
  const { operation, operationParameters, ...rest } = req.commitInfo ?? {};
  const info: Record<string, unknown> = {
    timestamp: Date.now(),
    operation: operation ?? 'WRITE',
    operationParameters: operationParameters ?? {},
    ...(req.readVersion >= 0 ? { readVersion: req.readVersion } : {}),
    isolationLevel: 'Serializable',
    isBlindAppend: req.blindAppend,
    engineInfo: ENGINE_INFO,
    txnId: randomUUID(),
    ...rest,
  };
  const order = (a: Action): number =>
    'protocol' in a ? 0 : 'metaData' in a ? 1 : 'txn' in a ? 2 : 'remove' in a ? 3 : 4;
  const body = req.actions.filter((a) => !('commitInfo' in a)).sort((a, b) => order(a) - order(b));
  return [{ commitInfo: info }, ...body].map((a) => serializeAction(a as Action)).join('\n') + '\n';
}

/** Writes the commit to a temp file in `_delta_log` (invisible to readers) and fsyncs it. */
async function stage(root: string, text: string): Promise<string> {
  const tmp = path.join(logDir(root), `_commit_${randomUUID()}.json.tmp`);
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  return tmp;
}

/** Links the staged commit to the version's name unless it exists; true when ours was published. */
async function publish(root: string, staged: string, version: number): Promise<boolean> {
  const dir = logDir(root);
  try {
    await fs.link(staged, path.join(dir, commitFileName(version)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  // The new directory entry must survive a crash once we report the commit as done.
  const d = await fs.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return true;
}

/** Checks a request against the protocol and the table before anything is written. */
function validate(root: string, latest: Snapshot | undefined, req: CommitRequest): void {
  const bad = (message: string, input: string): never => {
    throw new PondError(ErrorCode.InvalidArgument, `invalid commit to ${root}: ${message}`, {
      input,
    });
  };
  let protocol: Protocol | undefined = latest?.protocol;
  let metadata: Metadata | undefined = latest?.metadata;
  const seen = { add: new Set<string>(), remove: new Set<string>(), txn: new Set<string>() };
  let metaCount = 0;
  let protoCount = 0;
  for (const a of req.actions) {
    if ('metaData' in a) {
      metadata = a.metaData;
      metaCount++;
    } else if ('protocol' in a) {
      protocol = a.protocol;
      protoCount++;
    }
  }
  if (metaCount > 1 || protoCount > 1)
    bad('at most one metaData and one protocol action per commit', '');
  if (!protocol || !metadata) bad('a new table needs a protocol and a metaData action', '');
  const schema = parseSchema(metadata!.schemaString);
  checkWriteSupport(protocol!, schema, `Delta table ${root}`);
  const partitionColumns = metadata!.partitionColumns;
  for (const c of partitionColumns) {
    if (!schema.fields.some((f) => f.name === c))
      bad(`partition column '${c}' is not in the schema`, c);
  }
  if (req.blindAppend && (metaCount > 0 || protoCount > 0))
    bad('a blind append cannot change metadata', '');
  const appendOnly = isAppendOnly(metadata!);
  for (const a of req.actions) {
    if ('add' in a) {
      const add = a.add;
      if (typeof add.path !== 'string' || add.path === '' || add.path.startsWith('/'))
        bad('add.path must be relative', String(add.path));
      if (!Number.isInteger(add.size) || add.size < 0)
        bad('add.size must be a byte count', add.path);
      if (!Number.isInteger(add.modificationTime))
        bad('add.modificationTime must be ms since the epoch', add.path);
      if (typeof add.dataChange !== 'boolean') bad('add.dataChange must be a boolean', add.path);
      const keys = Object.keys(add.partitionValues ?? {}).sort();
      if (JSON.stringify(keys) !== JSON.stringify([...partitionColumns].sort())) {
        bad(
          `add.partitionValues must have exactly the partition columns [${partitionColumns.join(', ')}]`,
          add.path,
        );
      }
      const key = fileKey(root, add.path);
      if (seen.add.has(key)) bad(`file ${add.path} is added twice`, add.path);
      seen.add.add(key);
    } else if ('remove' in a) {
      const key = fileKey(root, a.remove.path);
      if (seen.remove.has(key)) bad(`file ${a.remove.path} is removed twice`, a.remove.path);
      seen.remove.add(key);
      if (req.blindAppend) bad('a blind append cannot remove files', a.remove.path);
      if (appendOnly && a.remove.dataChange) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `Delta table ${root} is append-only (delta.appendOnly=true): cannot remove ${a.remove.path}`,
          { input: a.remove.path },
        );
      }
    } else if ('txn' in a) {
      if (seen.txn.has(a.txn.appId)) bad(`txn ${a.txn.appId} appears twice`, a.txn.appId);
      seen.txn.add(a.txn.appId);
    }
  }
  for (const key of seen.add)
    if (seen.remove.has(key)) bad(`file ${key} is both added and removed`, key);
}
