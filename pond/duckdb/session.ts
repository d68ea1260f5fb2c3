// Types only: the native module loads when a session first needs it (`pond list` never does).
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import { duckdbNodeApi } from './node-api.js';

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface SessionOptions {
  /** DuckDB worker threads; DuckDB's default (all cores) when absent. */
  threads?: number;
  /** e.g. '2GB'; DuckDB's default when absent. */
  memoryLimit?: string;
}

interface Opened {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/**
 * One DuckDB instance and its main connection.
 *
 * A session made by `lazy` loads `@duckdb/node-api` and creates its instance on first use:
 * loading the native library is most of a short command's time, and reading a pond's metadata
 * needs no DuckDB. Every connection runs with TimeZone='UTC' so that output never depends on the
 * machine's zone (DESIGN §4). DuckDB errors become PondError(SQL_ERROR) carrying DuckDB's message
 * and the SQL.
 */
export class DuckSession {
  private opening: Promise<Opened> | undefined;
  private opened: Opened | undefined;
  private closed = false;

  private constructor(private readonly start: () => Promise<Opened>) {}

  /** A session whose instance is created now. */
  static async open(options: SessionOptions = {}): Promise<DuckSession> {
    const session = DuckSession.lazy(options);
    await session.connection();
    return session;
  }

  /** A session whose instance is created when a statement first needs it. */
  static lazy(options: SessionOptions = {}): DuckSession {
    return new DuckSession(async () => {
      const { DuckDBInstance } = duckdbNodeApi();
      const config: Record<string, string> = {};
      if (options.threads !== undefined) config['threads'] = String(options.threads);
      if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
      const instance = await DuckDBInstance.create(':memory:', config);
      return { instance, connection: await openConnection(instance) };
    });
  }

  /** Whether the instance exists (a lazy session that ran nothing has none). */
  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** The main connection, creating the instance if it does not exist yet. */
  async connection(): Promise<DuckDBConnection> {
    return (await this.ready()).connection;
  }

  /** Another connection on the same instance, for work that runs beside the main one. */
  async connect(): Promise<DuckSession> {
    const { instance } = await this.ready();
    const connection = await openConnection(instance);
    const session = new DuckSession(() => Promise.resolve({ instance, connection }));
    await session.ready();
    return session;
  }

  /** Runs a statement for its effect. */
  async run(sql: string, params?: Params): Promise<void> {
    const connection = await this.connection();
    try {
      await connection.run(sql, params);
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /** Runs a query and returns all rows as plain JS objects (BIGINT as bigint, BLOB as Buffer). */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const connection = await this.connection();
    try {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /** Like `all`, with values in DuckDB's JSON-friendly text form (exact timestamps, decimals). */
  async allJson<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const connection = await this.connection();
    try {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /** Interrupts the query running on this connection (used by cancel); none runs before open. */
  interrupt(): void {
    this.opened?.connection.interrupt();
  }

  /**
   * Closes this connection; the instance goes when its last connection is closed. A lazy session
   * that never opened closes without loading DuckDB; one still opening closes once it is open.
   */
  close(): void {
    this.closed = true;
    if (this.opened) this.opened.connection.closeSync();
    else
      void this.opening?.then(
        (o) => o.connection.closeSync(),
        () => undefined,
      );
  }

  private ready(): Promise<Opened> {
    if (this.closed) {
      return Promise.reject(
        new PondError(ErrorCode.Internal, 'the DuckDB session is closed', { input: 'session' }),
      );
    }
    this.opening ??= this.start().then((o) => {
      this.opened = o;
      return o;
    });
    return this.opening;
  }
}

async function openConnection(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  return connection;
}

export function sqlError(e: unknown, sql: string): PondError {
  if (e instanceof PondError) return e;
  return new PondError(ErrorCode.SqlError, `SQL error: ${messageOf(e)}`, { input: sql, cause: e });
}

/** The first line of DuckDB's own message in an error (without our `SQL error:` wrapper). */
export function duckMessage(e: unknown): string {
  const inner = e instanceof PondError && e.cause !== undefined ? e.cause : e;
  return messageOf(inner).split('\n')[0] ?? '';
}
