import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  StatementType,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { queryError } from '../query/run-query.js';
import { PROGRESS_SETTINGS } from '../duckdb/query-progress.js';
import { stringList, literal } from '../duckdb/sql.js';

const IDLE_KEPT = 4;
/** Connections for long jobs (exporting a whole result), which report their progress. */
const JOB_CONNECTIONS = 2;

/**
 * The DuckDB instance that runs the app's queries over one pond (previews, SQL over `source`,
 * charts). It is separate from the pond's own session and locked down: it reads only the
 * pond's blobs and cache, cannot reach any other host path (DuckDB's `enable_external_access`
 * off, `allowed_directories` set, configuration locked), runs in UTC, and only single SELECT
 * statements are accepted. So SQL typed in the UI cannot read or write host files it was not
 * given. Each query borrows its own connection, so a long query never holds up the others.
 */
export class QueryEngine {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private closed = false;

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
    const instance = await DuckDBInstance.create(':memory:');
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
  async withJobConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new PondError(ErrorCode.Internal, 'the pond was closed');
    const c =
      this.jobIdle.pop() ?? (await new Promise<DuckDBConnection>((r) => this.waiting.push(r)));
    try {
      return await fn(c);
    } finally {
      const next = this.waiting.shift();
      if (next) next(c);
      else this.jobIdle.push(c);
    }
  }

  /** Runs `fn` on a connection of its own (taken from a small pool). */
  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new PondError(ErrorCode.Internal, 'the pond was closed');
    const c = this.idle.pop() ?? (await this.instance.connect());
    try {
      return await fn(c);
    } finally {
      // A failed query leaves its connection usable, so it goes back to the pool too.
      if (!this.closed && this.idle.length < IDLE_KEPT) this.idle.push(c);
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
      if (prepared.statementType !== StatementType.SELECT) {
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

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.closeSync();
    for (const c of this.jobIdle.splice(0)) c.closeSync();
    this.instance.closeSync();
  }
}

/** The folders a pond's queries may read: its blobs and its cache. */
export function pondReadable(layout: { blobs: string; cache: string }): {
  readable: string[];
  tempDir: string;
} {
  return { readable: [layout.blobs, layout.cache], tempDir: join(layout.cache, 'duckdb-tmp') };
}
