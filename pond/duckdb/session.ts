import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface SessionOptions {
  /** DuckDB worker threads; DuckDB's default (all cores) when absent. */
  threads?: number;
  /** e.g. '2GB'; DuckDB's default when absent. */
  memoryLimit?: string;
}

/**
 * One DuckDB instance and its main connection.
 *
 * Every connection runs with TimeZone='UTC' so that output never depends on the machine's zone
 * (DESIGN §4). DuckDB errors become PondError(SQL_ERROR) carrying DuckDB's message and the SQL.
 */
export class DuckSession {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(options: SessionOptions = {}): Promise<DuckSession> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await openConnection(instance);
    return new DuckSession(instance, connection);
  }

  /** Another connection on the same instance, for work that runs beside the main one. */
  async connect(): Promise<DuckSession> {
    return new DuckSession(this.instance, await openConnection(this.instance));
  }

  /** Runs a statement for its effect. */
  async run(sql: string, params?: Params): Promise<void> {
    try {
      await this.connection.run(sql, params);
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /** Runs a query and returns all rows as plain JS objects (BIGINT as bigint, BLOB as Buffer). */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /** Like `all`, with values in DuckDB's JSON-friendly text form (exact timestamps, decimals). */
  async allJson<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    } catch (e) {
      throw sqlError(e, sql);
    }
  }

  /** Interrupts the query running on this connection (used by cancel). */
  interrupt(): void {
    this.connection.interrupt();
  }

  /** Closes this connection; the instance goes when its last connection is closed. */
  close(): void {
    this.connection.closeSync();
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
