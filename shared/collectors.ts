/**
 * Collectors: executable factory nodes (`hydrovu`, `logfile-ingest`) that `pond run` and the
 * app's Collectors view run. The types of what a run reports, shared by the engine, the CLI and
 * the app. Times are ISO-8601 UTC strings.
 */
import type { ErrorInfo } from './errors.js';

/**
 * How a run ended:
 * - `added`: it wrote new data (one transaction);
 * - `nothing-new`: it ran and found nothing to write (no transaction);
 * - `partial`: it wrote what it could and some parts failed (named in `failures`);
 * - `failed`, `cancelled`: nothing was written;
 * - `running`: not finished (or its process ended without saying: see `interrupted`).
 */
export type RunState = 'running' | 'added' | 'nothing-new' | 'partial' | 'failed' | 'cancelled';

/** One file a run wrote a version of. */
export interface AddedFile {
  path: string;
  /** Tables and series: rows in the new version. */
  rows?: number;
  /** Data files: bytes added. */
  bytes?: number;
  version: number;
}

/** What a run did (kept for the last run of each node, for the Collectors view). */
export interface RunRecord {
  nodeId: string;
  path: string;
  factory: string;
  command: string;
  args: string[];
  started: string;
  ended?: string;
  /** The process that ran it (`pond run` from cron, or the app). */
  pid: number;
  host: string;
  state: RunState;
  /** One line saying what happened. */
  summary: string;
  added: AddedFile[];
  /** Parts that failed in a `partial` run (a device, a file) and why. */
  failures: string[];
  /** The transaction it made. */
  txn?: number;
  error?: ErrorInfo;
  /** The last lines of the run's log. */
  log: string[];
  /** True for a `running` record whose process has ended (killed): the run did not finish. */
  interrupted?: boolean;
}

/** A command of an executable factory. */
export interface CollectorCommand {
  name: string;
  summary: string;
  /** Its arguments, as `pond run PATH COMMAND` takes them (empty: none). */
  usage: string;
  /** Whether it writes to the pond. */
  writes: boolean;
}

/** An executable node of a pond, as the Collectors view lists it. */
export interface CollectorInfo {
  path: string;
  nodeId: string;
  factory: string;
  /** Its commands; the first is what `pond run PATH` runs. */
  commands: CollectorCommand[];
  /** The config as stored, with secret fields redacted. */
  config: string;
  lastRun?: RunRecord;
}

/** The result of a `run-collector` job. */
export interface CollectorRunResult {
  record: RunRecord;
}
