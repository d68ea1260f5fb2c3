import type { JobInfo } from '../../shared/api.js';
import type { CollectorInfo, RunRecord } from '../../shared/collectors.js';
import { toErrorInfo } from '../../shared/errors.js';
import { commandInfo, type RunJob } from '../factories/executable.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { runExecutable } from '../factories/run-node.js';
import { loadRunRecord } from '../factories/run-record.js';
import { redactSecrets } from '../factories/secrets.js';
import { isDirectory, type DirectoryNode } from '../tinyfs/node.js';
import { joinPath } from '../tinyfs/path.js';
import { isDynamicNode, type PondTxn } from '../tlogfs/transaction.js';
import type { Job } from '../job/job.js';
import type { JobRunner } from './jobs.js';
import type { OpenPond } from './pond-registry.js';
import type { WriteJobs } from './write-jobs.js';

/**
 * The Collectors view: the executable nodes of a pond (hydrovu, logfile-ingest) with their last
 * runs, whoever ran them (the app, or `pond run` from cron), and Run now as a job.
 */
export async function listCollectors(
  open: OpenPond,
  registry: FactoryRegistry,
): Promise<CollectorInfo[]> {
  const found = await open.pond.read(async (txn) => {
    const out: { path: string; id: string; factory: string; config: string }[] = [];
    await walk(txn, (await txn.root()) as DirectoryNode, '/', registry, out);
    return out;
  });
  const list: CollectorInfo[] = [];
  for (const n of found) {
    const f = registry.get(n.factory);
    const info: CollectorInfo = {
      path: n.path,
      nodeId: n.id,
      factory: n.factory,
      commands: f.executable!.commands.map(commandInfo),
      config: redactSecrets(n.config, f.secretKeys ?? []),
    };
    // A record that does not read is shown as the error it is, not hidden.
    const last = await loadRunRecord(open.pond.layout, n.id).catch((e: unknown): RunRecord => ({
      nodeId: n.id,
      path: n.path,
      factory: n.factory,
      command: '',
      args: [],
      started: '',
      pid: 0,
      host: '',
      state: 'failed',
      summary: toErrorInfo(e).message,
      added: [],
      failures: [],
      log: [],
      error: toErrorInfo(e),
    }));
    if (last) info.lastRun = last;
    list.push(info);
  }
  return list;
}

/**
 * Every executable node under a stored directory. Computed directories are not entered: their
 * entries are what factories make from the data, never a collector.
 */
async function walk(
  txn: PondTxn,
  dir: DirectoryNode,
  path: string,
  registry: FactoryRegistry,
  out: { path: string; id: string; factory: string; config: string }[],
): Promise<void> {
  for (const e of await dir.entries()) {
    const child = joinPath(path, e.name);
    if (e.factory !== undefined) {
      const f = registry.list().find((x) => x.name === e.factory);
      if (!f?.executable) continue;
      const node = await dir.child(e.name);
      if (node && isDynamicNode(node))
        out.push({ path: child, id: e.id, factory: e.factory, config: node.spec.config });
    } else if (e.type === 'directory') {
      const node = await dir.child(e.name);
      if (node && isDirectory(node)) await walk(txn, node, child, registry, out);
    }
  }
}

export interface RunCollectorRequest {
  path: string;
  command?: string;
  args?: string[];
}

/**
 * Runs a collector's command as a job: the fetching outside any transaction, the writing as one
 * transaction queued with the app's other writes to the pond (recorded as `app run PATH
 * COMMAND`). Progress and each line of the run's log are the job's progress; its result is the
 * run's record.
 */
export function startCollectorRun(
  runner: JobRunner,
  writes: WriteJobs,
  open: OpenPond,
  registry: FactoryRegistry,
  req: RunCollectorRequest,
): JobInfo {
  return runner.start(
    'run-collector',
    async (job) => {
      const outcome = await runExecutable(
        open.pond,
        registry,
        {
          path: req.path,
          ...(req.command === undefined ? {} : { command: req.command }),
          args: req.args ?? [],
          origin: ['app'],
          writer: (meta, fn) => writes.write(open, job, meta.command, fn),
        },
        runJob(job),
      );
      return outcome.record;
    },
    { pond: open.handle },
  );
}

/**
 * The service's job as a run's job: each line of the run's log becomes the job's progress
 * message (the app shows them one after the other as the run's log); progress counts keep the
 * last line as their message.
 */
function runJob(job: Job): RunJob {
  let line: string | undefined;
  let counts: { done: number; total?: number } = { done: 0 };
  return {
    signal: job.signal,
    progress: (p) => {
      counts = p.total === undefined ? { done: p.done } : { done: p.done, total: p.total };
      job.progress({ ...counts, message: line ?? p.message });
    },
    onCancel: (fn) => job.onCancel(fn),
    checkCancelled: () => job.checkCancelled(),
    log: (l) => {
      line = l;
      job.progress({ ...counts, message: l });
    },
  };
}
