import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { duckdbNodeApi } from '../duckdb/node-api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { queryError } from '../query/run-query.js';
import { PROGRESS_SETTINGS } from '../duckdb/query-progress.js';
import { stringList, literal } from '../duckdb/sql.js';
import { ownStagingFolder } from '../tlogfs/staging.js';

const IDLE_KEPT = 4;
/** How often a cancelled query is interrupted again until it lets go of its connection. */
const INTERRUPT_REPEAT_MS = 25;
/** Connections for long jobs (exporting a whole result), which report their progress. */
const JOB_CONNECTIONS = 2;

/**
 * The DuckDB instance that runs the app's queries over one pond (previews, SQL over `source`,
 * charts). It is separate from the pond's own session and locked down: it reads only the
 * pond's blobs and cache, cannot reach any other host path (DuckDB's `enable_external_access`
 * off, `allowed_directories` set, configuration locked), runs in UTC, and only single SELECT
 * statements are accepted. So SQL typed in the UI cannot read or write host files it was not
 * given. Each query borrows its own connection, so a long query never holds up the others, and
 * each can be interrupted on its own.
 */
export class QueryEngine {
  private readonly idle: DuckDBConnection[] = [];
  /** Connections lent out, with the promise that settles when their work does. */
  private readonly busy = new Map<DuckDBConnection, Promise<unknown>>();
  /** Aborted when the engine closes: every running query is interrupted. */
  private readonly closing = new AbortController();
  /** Jobs waiting for a job connection. */
  private readonly waiting: { take(c: DuckDBConnection): void; fail(e: unknown): void }[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    /** Free job connections (progress tracking is a setting the lock freezes: set before it). */
    private readonly jobIdle: DuckDBConnection[],
  ) {}

  static async open(options: {
    readable: string[];
    tempDir: string;
    threads?: number;
  }): Promise<QueryEngine> {
    await mkdir(options.tempDir, { recursive: true });
    const instance = await duckdbNodeApi().DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    const jobs: DuckDBConnection[] = [];
    try {
      for (let i = 0; i < JOB_CONNECTIONS; i++) {
        const c = await instance.connect();
        for (const p of PROGRESS_SETTINGS) await c.run(p);
        jobs.push(c);
      }
      // Order matters: paths and settings first, then access off, then the lock.
      const dirs = options.readable.map((d) => (d.endsWith('/') ? d : d + '/'));
      await setup.run(`SET GLOBAL TimeZone = 'UTC'`);
      await setup.run(`SET temp_directory = ${literal(options.tempDir)}`);
      if (options.threads !== undefined) await setup.run(`SET threads = ${options.threads}`);
      await setup.run(`SET allowed_directories = ${stringList(dirs)}`);
      await setup.run('SET autoinstall_known_extensions = false');
      await setup.run('SET enable_external_access = false');
      await setup.run('SET lock_configuration = true');
    } catch (e) {
      for (const c of jobs) c.closeSync();
      throw e;
    } finally {
      setup.closeSync();
    }
    return new QueryEngine(instance, jobs);
  }

  /**
   * Runs `fn` on one of the few connections that track their query's progress
   * (`connection.progress`), waiting for one to be free: long jobs, one per connection.
   */
  async withJobConnection<T>(
    fn: (c: DuckDBConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const stops = signal ? [signal, this.closing.signal] : [this.closing.signal];
    throwIfAnyAborted(stops);
    const c =
      this.jobIdle.pop() ??
      (await new Promise<DuckDBConnection>((take, fail) => this.waiting.push({ take, fail })));
    // The same interrupt as withConnection's; a job connection is kept after it (it cannot be
    // made again once the configuration is locked), and the next query clears DuckDB's flag.
    const interrupting = interruptOnAbort(c, stops);
    const work = fn(c);
    this.busy.set(c, work);
    try {
      const value = await work;
      throwIfAnyAborted(stops);
      return value;
    } catch (e) {
      throwIfAnyAborted(stops);
      throw e;
    } finally {
      interrupting.stop();
      this.busy.delete(c);
      const next = this.waiting.shift();
      if (next) next.take(c);
      else this.jobIdle.push(c);
    }
  }

  /**
   * Runs `fn` on a connection of its own (taken from a small pool). When `signal` aborts (or the
   * engine closes), DuckDB's interrupt stops whatever `fn` runs on the connection, and the call
   * fails with the signal's reason (not DuckDB's "Interrupted"); a cancelled call never answers
   * with data. An interrupted connection is closed, never pooled.
   */
  async withConnection<T>(
    fn: (c: DuckDBConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const stops = signal ? [signal, this.closing.signal] : [this.closing.signal];
    throwIfAnyAborted(stops);
    const c = this.idle.pop() ?? (await this.instance.connect());
    if (this.closing.signal.aborted) {
      c.closeSync();
      throwIfAnyAborted(stops);
    }
    const interrupting = interruptOnAbort(c, stops);
    const work = fn(c);
    this.busy.set(c, work);
    try {
      const value = await work;
      throwIfAnyAborted(stops);
      return value;
    } catch (e) {
      throwIfAnyAborted(stops);
      throw e;
    } finally {
      const interrupted = interrupting.stop();
      this.busy.delete(c);
      if (!interrupted && !this.closing.signal.aborted && this.idle.length < IDLE_KEPT)
        this.idle.push(c);
      else c.closeSync();
    }
  }

  /**
   * Checks that `sql` is exactly one SELECT and binds it (so errors point into the user's own
   * text); returns its result columns. The caller runs it only as a subquery.
   */
  async describeSelect(
    c: DuckDBConnection,
    sql: string,
  ): Promise<{ name: string; type: string }[]> {
    let prepared: DuckDBPreparedStatement;
    try {
      const statements = await c.extractStatements(sql);
      if (statements.count !== 1) {
        throw new PondError(
          ErrorCode.SqlError,
          `give one SELECT statement, not ${statements.count}`,
          { input: sql },
        );
      }
      prepared = await statements.prepare(0);
    } catch (e) {
      throw queryError(e, sql);
    }
    try {
      if (prepared.statementType !== duckdbNodeApi().StatementType.SELECT) {
        throw new PondError(ErrorCode.SqlError, 'only SELECT queries can be run here', {
          input: sql,
        });
      }
      const columns: { name: string; type: string }[] = [];
      for (let i = 0; i < prepared.columnCount; i++)
        columns.push({ name: prepared.columnName(i), type: prepared.columnType(i).toString() });
      return columns;
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * Interrupts every running query, waits for each to let go of its connection, then closes the
   * instance (closing it under a running query is not safe).
   */
  async close(): Promise<void> {
    if (!this.closing.signal.aborted) {
      this.closing.abort(new PondError(ErrorCode.Cancelled, 'the pond was closed'));
    }
    for (const w of this.waiting.splice(0)) w.fail(this.closing.signal.reason);
    await Promise.allSettled([...this.busy.values()]);
    for (const c of this.idle.splice(0)) c.closeSync();
    for (const c of this.jobIdle.splice(0)) c.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Calls DuckDB's interrupt on `c` once one of `signals` aborts, and again every few milliseconds
 * until stopped: an interrupt that lands between two statements of a call, or before DuckDB has
 * begun the query, is otherwise lost (DuckDB clears the flag when a query starts). `stop()` says
 * whether an interrupt was sent.
 */
function interruptOnAbort(c: DuckDBConnection, signals: AbortSignal[]): { stop(): boolean } {
  let timer: NodeJS.Timeout | undefined;
  let sent = false;
  const interrupt = () => {
    sent = true;
    c.interrupt();
    timer ??= setInterval(() => c.interrupt(), INTERRUPT_REPEAT_MS);
  };
  for (const s of signals) s.addEventListener('abort', interrupt, { once: true });
  if (signals.some((s) => s.aborted)) interrupt();
  return {
    stop() {
      for (const s of signals) s.removeEventListener('abort', interrupt);
      clearInterval(timer);
      return sent;
    },
  };
}

/** Throws the reason of the first aborted signal (a PondError saying why the call stopped). */
function throwIfAnyAborted(signals: AbortSignal[]): void {
  for (const s of signals) s.throwIfAborted();
}

/**
 * The folders a pond's queries may read (its blobs and its cache), and where DuckDB spills: in
 * this process's staging folder of the pond, which goes when the process ends and, after a
 * crash, is `maintain`'s to remove. (Under cache/ the folder was foreign to `fsck` and `maintain`,
 * so a crash's spill files stayed for good.)
 */
export async function pondReadable(layout: {
  blobs: string;
  cache: string;
}): Promise<{ readable: string[]; tempDir: string }> {
  return {
    readable: [layout.blobs, layout.cache],
    tempDir: join(await ownStagingFolder(layout.blobs), 'duckdb-tmp'),
  };
}
