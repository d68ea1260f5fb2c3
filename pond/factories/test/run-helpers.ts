import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { createPond } from '../../service/open-pond.js';
import { placeNode } from '../../service/mknod.js';
import type { Pond } from '../../tlogfs/pond.js';
import { STAGING_DIR } from '../../tlogfs/staging.js';
import type { RunJob } from '../executable.js';
import { defaultRegistry } from '../index.js';
import { runExecutable, type RunOutcome } from '../run-node.js';

export const registry = defaultRegistry();

/** A run job that keeps the log and can be cancelled. */
export function testJob(): RunJob & { lines: string[]; cancel(): void } {
  const controller = new AbortController();
  const hooks: (() => void)[] = [];
  const lines: string[] = [];
  const checkCancelled = () => {
    if (controller.signal.aborted) throw new PondError(ErrorCode.Cancelled, 'cancelled');
  };
  return {
    signal: controller.signal,
    lines,
    progress: () => checkCancelled(),
    onCancel: (fn) => hooks.push(fn),
    checkCancelled,
    log: (l) => lines.push(l),
    cancel: () => {
      controller.abort();
      for (const h of hooks) h();
    },
  };
}

export async function newPond(
  prefix: string,
): Promise<{ pond: Pond; dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const pond = await createPond(join(dir, 'pond'), 'test', { command: ['init'] }, { registry });
  return {
    pond,
    dir,
    done: async () => {
      await pond.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function mknod(
  pond: Pond,
  factory: string,
  path: string,
  config: string,
): Promise<void> {
  await pond.write({ command: ['mknod', factory, path] }, (txn) =>
    placeNode(txn, registry, { factory, path, config }, { overwrite: true, parents: true }),
  );
}

export function run(
  pond: Pond,
  path: string,
  command?: string,
  job = testJob(),
  args: string[] = [],
): Promise<RunOutcome> {
  return runExecutable(
    pond,
    registry,
    { path, ...(command === undefined ? {} : { command }), args },
    job,
  );
}

/** Files left in this process's staging folders of a pond (a run must leave none). */
export async function stagedFiles(pond: Pond): Promise<string[]> {
  const root = join(pond.layout.blobs, STAGING_DIR);
  const out: string[] = [];
  for (const d of await readdir(root).catch(() => [] as string[]))
    for (const f of await readdir(join(root, d)).catch(() => [] as string[])) out.push(join(d, f));
  return out;
}

/** Rows of a query over a pond node (`source`). */
export async function rowsOf(
  pond: Pond,
  path: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const { nodeRelation } = await import('../../query/node-relation.js');
  return pond.read(async (txn) => {
    const node = await (await txn.wd()).getFile(path);
    const relation = await nodeRelation(node, path, { txn, expanding: [] });
    return txn.session.all(`WITH source AS (${relation}) ${sql}`);
  });
}
