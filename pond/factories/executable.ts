import type { AddedFile, CollectorCommand } from '../../shared/collectors.js';
import type { Job } from '../job/job.js';
import type { PondNode } from '../tinyfs/node.js';
import type { Pond, WriteResult } from '../tlogfs/pond.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { DerivedData } from './derived-nodes.js';
import { redactSecrets } from './secrets.js';

/**
 * Executable factories (`pond run`): a node made with `mknod` whose factory also has commands
 * that do something with side effects (fetch readings from an API, mirror host log files). A
 * command does its slow, fallible work (the network, reading host files) outside the pond's
 * write lock, then writes what it found in at most one write transaction.
 */

/** A long job (pond/job) that also keeps a log: what the run fetched, retried, skipped. */
export interface RunJob extends Job {
  /** One line of the run's log. */
  log(line: string): void;
}

export interface RunContext<C> {
  pond: Pond;
  /** The node being run (its stored config is `node.config`). */
  node: DynamicNodeSpec;
  /** The config, read and checked (with `${env:...}` expanded). */
  config: C;
  /** The arguments after the command. */
  args: string[];
  job: RunJob;
  /**
   * Runs `fn` as the run's one write transaction (recorded as `run PATH COMMAND ARGS...`). A
   * second call is a bug. A transaction that changes nothing commits nothing.
   */
  write<T>(fn: (txn: PondTxn) => Promise<T>): Promise<WriteResult<T>>;
}

/** What a command did. */
export interface RunResult {
  /** One line: what was added, or why nothing was. */
  summary: string;
  added: AddedFile[];
  /** Parts that failed while others were written (a device, a file), with the reason. */
  failures: string[];
  /** What the command prints for the user (a listing, checksums), if it prints anything. */
  output?: string;
}

export interface ExecutableCommand<C> extends CollectorCommand {
  run(ctx: RunContext<C>): Promise<RunResult>;
}

/** The part of a factory that makes it executable. */
export interface Executable<C = unknown> {
  /** Its commands; the first is the default (`pond run PATH` with no command). */
  readonly commands: readonly ExecutableCommand<C>[];
  /** Reads and checks a config for a run (env expanded); errors name the key. */
  readConfig(config: string, where: string): C;
}

/** A command as the app lists it (without its code). */
export function commandInfo(c: CollectorCommand): CollectorCommand {
  return { name: c.name, summary: c.summary, usage: c.usage, writes: c.writes };
}

/**
 * The node of an executable factory: a data file whose bytes are its config as shown (secret
 * fields redacted). Reading it never needs the secrets' environment variables.
 */
export function executableNode(spec: DynamicNodeSpec, secretKeys: readonly string[]): PondNode {
  // Redacting parses the YAML: done when the node is read or described, not each time a run
  // finds it (the run parses its config once, to run it).
  let shown: string | undefined;
  const show = () => (shown ??= redactSecrets(spec.config, secretKeys));
  return new DerivedData(spec, async () => Buffer.from(show(), 'utf8'), show);
}
