import { hostname } from 'node:os';
import type { RunRecord } from '../../shared/collectors.js';
import { ErrorCode, PondError, isPondError, toErrorInfo } from '../../shared/errors.js';
import { resolvePath } from '../tinyfs/path.js';
import type { Pond, TxnMeta, WriteResult } from '../tlogfs/pond.js';
import { isDynamicNode, type DynamicNodeSpec, type PondTxn } from '../tlogfs/transaction.js';
import type { ExecutableCommand, RunJob, RunResult } from './executable.js';
import type { Factory, FactoryRegistry } from './registry.js';
import { saveRunRecord } from './run-record.js';

/** An executable node found at a path. */
export interface ExecutableTarget {
  path: string;
  spec: DynamicNodeSpec;
  factory: Factory & { executable: NonNullable<Factory['executable']> };
}

/** The executable node at `path` (symlinks followed), or an error saying what is there. */
export async function findExecutable(
  txn: PondTxn,
  registry: FactoryRegistry,
  path: string,
): Promise<ExecutableTarget> {
  const found = await (await txn.wd()).get(path);
  const node = found.node;
  if (!isDynamicNode(node)) {
    throw new PondError(
      ErrorCode.WrongType,
      `'${found.path}' is a stored ${node.type}, not a factory node; pond run runs nodes of executable factories (see pond list-factories)`,
      { input: path },
    );
  }
  const factory = registry.get(node.spec.factory);
  if (!factory.executable) {
    const runnable = registry
      .list()
      .filter((f) => f.executable)
      .map((f) => f.name)
      .join(', ');
    throw new PondError(
      ErrorCode.WrongType,
      `'${found.path}' is a ${factory.name} node, which has nothing to run (executable factories: ${runnable})`,
      { input: path },
    );
  }
  return {
    path: found.path,
    spec: node.spec,
    factory: factory as ExecutableTarget['factory'],
  };
}

/** Runs the write transaction of a run (the pond's own `write`, or the app's write jobs). */
export type RunWriter = <T>(
  meta: TxnMeta,
  fn: (txn: PondTxn) => Promise<T>,
) => Promise<WriteResult<T>>;

export interface RunRequest {
  path: string;
  /** The command; the factory's first when absent. */
  command?: string;
  args: string[];
  /** Words recorded before `run PATH COMMAND...` in the transaction (e.g. ['app']). */
  origin?: string[];
  /** How the run's transaction is written; `pond.write` when absent. */
  writer?: RunWriter;
}

/** A run's record and what its command printed. */
export interface RunOutcome {
  record: RunRecord;
  /** Whether the command writes (a run that only reads prints its output and nothing else). */
  writes: boolean;
  output?: string;
}

/**
 * Runs a command of an executable node: reads its config (env expanded), runs the command, and
 * records the run (cache/runs) when the command writes. A command that writes does so in at most
 * one transaction, recorded as `run PATH COMMAND ARGS...`; finding nothing new commits nothing.
 * A failure or cancel writes nothing, is recorded, and is thrown.
 */
export async function runExecutable(
  pond: Pond,
  registry: FactoryRegistry,
  req: RunRequest,
  job: RunJob,
): Promise<RunOutcome> {
  const target = await pond.read((txn) => findExecutable(txn, registry, resolvePath(req.path)));
  const exe = target.factory.executable;
  const command = pickCommand(target, req.command);
  const record: RunRecord = {
    nodeId: target.spec.id,
    path: target.path,
    factory: target.factory.name,
    command: command.name,
    args: req.args,
    started: new Date().toISOString(),
    pid: process.pid,
    host: hostname(),
    state: 'running',
    summary: 'running',
    added: [],
    failures: [],
    log: [],
  };
  const save = () => (command.writes ? saveRunRecord(pond.layout, record) : Promise.resolve());
  const logged: RunJob = {
    signal: job.signal,
    progress: (p) => job.progress(p),
    onCancel: (fn) => job.onCancel(fn),
    checkCancelled: () => job.checkCancelled(),
    log: (line) => {
      record.log.push(`${new Date().toISOString()} ${line}`);
      job.log(line);
    },
  };
  await save();
  let wrote = false;
  const writer: RunWriter = req.writer ?? ((meta, fn) => pond.write(meta, fn));
  const meta: TxnMeta = {
    command: [...(req.origin ?? []), 'run', target.path, command.name, ...req.args],
  };
  try {
    const where = `${target.path} (${target.factory.name})`;
    const config = exe.readConfig(target.spec.config, where);
    const result: RunResult = await command.run({
      pond,
      node: target.spec,
      config,
      args: req.args,
      job: logged,
      write: async (fn) => {
        if (wrote) throw new PondError(ErrorCode.Internal, `${where}: a run writes at most once`);
        wrote = true;
        job.checkCancelled();
        const written = await writer(meta, async (txn) => {
          const value = await fn(txn);
          job.checkCancelled(); // the last moment a cancel drops the transaction
          return value;
        });
        if (written.seq !== undefined) record.txn = written.seq;
        return written;
      },
    });
    record.added = result.added;
    record.failures = result.failures;
    record.summary = result.summary;
    record.state =
      result.failures.length > 0 ? 'partial' : record.txn !== undefined ? 'added' : 'nothing-new';
    record.ended = new Date().toISOString();
    await save();
    const writes = command.writes;
    return result.output === undefined
      ? { record, writes }
      : { record, writes, output: result.output };
  } catch (e) {
    const cancelled = job.signal.aborted || isPondError(e, ErrorCode.Cancelled);
    record.state = cancelled ? 'cancelled' : 'failed';
    record.error = toErrorInfo(e);
    record.summary = cancelled ? 'cancelled: nothing was written' : record.error.message;
    record.ended = new Date().toISOString();
    await save().catch(() => undefined); // the run's own error matters more than its record
    throw e;
  }
}

function pickCommand(
  target: ExecutableTarget,
  name: string | undefined,
): ExecutableCommand<unknown> {
  const commands = target.factory.executable.commands;
  if (name === undefined) return commands[0]!;
  const c = commands.find((c) => c.name === name);
  if (!c) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${target.factory.name} has no command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})`,
      { input: name },
    );
  }
  return c;
}
