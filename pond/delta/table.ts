import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import type { Action, AddFile, Metadata } from './actions.js';
import { type CommitRequest, commitActions } from './commit.js';
import { readCommitFile } from './commit-file.js';
import { type CommitTimestamp, commitTimestamps, versionAtTimestamp } from './commit-timestamps.js';
import { type CheckpointInfo, writeCheckpoint } from './checkpoint-write.js';
import { type CleanupOptions, cleanupLog } from './log-cleanup.js';
import { commitFileName, logDir } from './log-listing.js';
import { type OptimizeOptions, type OptimizeResult, optimize } from './optimize.js';
import { checkWritablePartitionType } from './partition-values.js';
import { WRITE_PROTOCOL, checkWriteSupport } from './protocol-support.js';
import { type StructType, fieldOf, parseSchema, serializeSchema } from './schema.js';
import { Snapshot } from './snapshot.js';
import { loadAt, loadLatest, loadNewer } from './snapshot-loader.js';
import {
  CHECKPOINT_INTERVAL,
  DEFAULT_CHECKPOINT_INTERVAL,
  checkpointInterval,
} from './table-config.js';
import { type VacuumOptions, vacuum } from './vacuum.js';
import { type WriteOptions, writeFiles } from './write-files.js';
import { type JsRow, writeRows } from './write-rows.js';

/** A Delta table on the local file system: its latest snapshot, time travel and every write. */

export interface CreateTableOptions {
  schema: StructType;
  partitionColumns: string[];
  /** Table properties; delta.checkpointInterval defaults to "10". */
  configuration?: Record<string, string>;
  name?: string;
  description?: string;
  commitInfo?: Record<string, unknown>;
}

export class DeltaTable {
  private current: Snapshot;
  /** The error of the last automatic checkpoint, if it failed (the commit itself succeeded). */
  lastCheckpointError: unknown;

  private constructor(
    /** Absolute path of the table root. */
    readonly root: string,
    readonly session: DuckSession,
    snapshot: Snapshot,
  ) {
    this.current = snapshot;
  }

  /** Opens the latest snapshot. Fails if `root` has no `_delta_log` or no commits. */
  static async open(root: string, session: DuckSession): Promise<DeltaTable> {
    const abs = path.resolve(root);
    return new DeltaTable(abs, session, await loadLatest(abs));
  }

  /** Creates the table: version 0 with protocol (1,2) and metaData. Fails if one exists. */
  static async create(
    root: string,
    session: DuckSession,
    init: CreateTableOptions,
  ): Promise<DeltaTable> {
    const abs = path.resolve(root);
    const schemaString = serializeSchema(init.schema);
    const schema = parseSchema(schemaString); // the same checks as for a table we read
    checkNewSchema(schema, init.partitionColumns);
    const configuration = {
      [CHECKPOINT_INTERVAL]: String(DEFAULT_CHECKPOINT_INTERVAL),
      ...init.configuration,
    };
    const metaData: Metadata = {
      id: randomUUID(),
      ...(init.name === undefined ? {} : { name: init.name }),
      ...(init.description === undefined ? {} : { description: init.description }),
      format: { provider: 'parquet', options: {} },
      schemaString,
      partitionColumns: [...init.partitionColumns],
      configuration,
      createdTime: Date.now(),
    };
    checkpointInterval(metaData); // a bad interval fails now, not at the tenth commit
    await fs.mkdir(logDir(abs), { recursive: true });
    const { operation: _op, ...rest } = init.commitInfo ?? {};
    await commitActions(abs, undefined, {
      actions: [{ protocol: { ...WRITE_PROTOCOL } }, { metaData }],
      commitInfo: {
        operation: 'CREATE TABLE',
        operationParameters: {
          partitionBy: JSON.stringify(init.partitionColumns),
          properties: JSON.stringify(configuration),
        },
        ...rest,
      },
      readVersion: -1,
      blindAppend: false,
    });
    return DeltaTable.open(abs, session);
  }

  /** The current snapshot (as of the last open, refresh or commit). */
  get snapshot(): Snapshot {
    return this.current;
  }

  /** Applies only the commits after the current snapshot. */
  async refresh(): Promise<Snapshot> {
    return this.advance(await loadNewer(this.current));
  }

  /** Time travel: the table as of `version` (from the newest checkpoint at or below it). */
  async snapshotAt(version: number): Promise<Snapshot> {
    if (version === this.current.version) return this.current;
    return loadAt(this.root, version);
  }

  /**
   * Time travel: the last version committed at or before `ms` (commit file times, monotonized).
   * Before the first readable commit is NotFound; after the latest commit it is the latest.
   */
  async snapshotAtTimestamp(ms: number): Promise<Snapshot> {
    return this.snapshotAt(versionAtTimestamp(this.root, await commitTimestamps(this.root), ms));
  }

  /** Monotonized commit times of the versions still readable. */
  async commitTimestamps(): Promise<CommitTimestamp[]> {
    return commitTimestamps(this.root);
  }

  /** The actions of one JSON commit, commitInfo included. */
  async readCommit(version: number): Promise<Action[]> {
    const c =
      Number.isInteger(version) && version >= 0
        ? await readCommitFile(this.root, version)
        : undefined;
    if (!c) {
      throw new PondError(
        ErrorCode.NotFound,
        `${this.root} has no commit file for version ${version}`,
        {
          input: path.join(
            logDir(this.root),
            commitFileName(Math.max(0, Math.trunc(version)) || 0),
          ),
        },
      );
    }
    return c.actions;
  }

  /** Writes the rows of `relationSql` as data files of this table; commit the returned adds. */
  async writeFiles(relationSql: string, options?: WriteOptions): Promise<AddFile[]> {
    const snapshot = await this.refresh();
    this.checkWritable(snapshot);
    return writeFiles(this.session, snapshot, relationSql, options);
  }

  /**
   * Writes rows held in memory as data files of this table, without DuckDB (write-rows.ts: for
   * small writes of string, binary, long and timestamp columns); commit the returned adds.
   */
  async writeRows(rows: readonly JsRow[]): Promise<AddFile[]> {
    const snapshot = await this.refresh();
    this.checkWritable(snapshot);
    return writeRows(snapshot, rows);
  }

  /**
   * Publishes a commit at readVersion + 1 (or later, for a blind append that lost a race).
   * Returns the committed version; if every txn of the commit is already in the table, nothing is
   * written and the current version is returned. Writes a checkpoint every
   * delta.checkpointInterval versions.
   */
  async commit(c: CommitRequest): Promise<number> {
    const latest = await this.refresh();
    const outcome = await commitActions(this.root, latest, c);
    if (outcome.noop) return outcome.version;
    const v = outcome.version;
    if (this.current.version === v - 1) {
      // Ours is the only new commit: apply it without reading it back.
      const state = this.current.state.clone();
      state.apply(c.actions, v);
      const mtime = (await fs.stat(path.join(logDir(this.root), commitFileName(v)))).mtimeMs;
      this.advance(new Snapshot(this.root, state, Math.floor(mtime)));
    } else {
      await this.refresh();
    }
    const snap = this.current.version === v ? this.current : await this.snapshotAt(v);
    if (v > 0 && v % checkpointInterval(snap.metadata) === 0) {
      try {
        await writeCheckpoint(this.session, snap);
        this.lastCheckpointError = undefined;
      } catch (e) {
        // The commit is durable; failing now would make a caller retry a done commit.
        this.lastCheckpointError = e;
        process.emitWarning(
          `checkpoint of ${this.root} at version ${v} failed: ${String(e)}`,
          'DeltaCheckpointWarning',
        );
      }
    }
    return v;
  }

  /** Writes a classic checkpoint of `version` (default: the current one) and `_last_checkpoint`. */
  async checkpoint(version?: number): Promise<CheckpointInfo> {
    const snap = version === undefined ? this.current : await this.snapshotAt(version);
    this.checkWritable(snap);
    return writeCheckpoint(this.session, snap);
  }

  optimize(o?: OptimizeOptions): Promise<OptimizeResult> {
    return optimize(this, o);
  }

  vacuum(o?: VacuumOptions): Promise<string[]> {
    return vacuum(this, o);
  }

  cleanupLog(o: CleanupOptions = {}): Promise<number[]> {
    return cleanupLog(this, o);
  }

  /** Refuses writes to tables whose protocol needs more than this writer implements. */
  checkWritable(snapshot: Snapshot): void {
    checkWriteSupport(snapshot.protocol, snapshot.schema, `Delta table ${this.root}`);
  }

  private advance(s: Snapshot): Snapshot {
    // Concurrent calls may finish out of order: never go back to an older version.
    if (s.version >= this.current.version) this.current = s;
    return this.current;
  }
}

function checkNewSchema(schema: StructType, partitionColumns: string[]): void {
  const bad = (message: string, input: string): never => {
    throw new PondError(ErrorCode.InvalidArgument, message, { input });
  };
  if (schema.fields.length === 0) bad('a table needs at least one column', '');
  const lower = new Set<string>();
  for (const f of schema.fields) {
    // Delta column names must be unique regardless of case (PROTOCOL "Schema Serialization Format").
    if (lower.has(f.name.toLowerCase()))
      bad(`column name '${f.name}' is not unique (ignoring case)`, f.name);
    lower.add(f.name.toLowerCase());
  }
  if (new Set(partitionColumns).size !== partitionColumns.length)
    bad('partition columns repeat', partitionColumns.join(','));
  if (partitionColumns.length === schema.fields.length)
    bad('a table needs at least one column that is not a partition column', '');
  for (const c of partitionColumns) {
    const f = fieldOf(schema, c);
    if (!f) bad(`partition column '${c}' is not in the schema`, c);
    // `_x=...` or `.x=...` folders would be hidden: readers and vacuum skip them.
    if (c.startsWith('_') || c.startsWith('.'))
      bad(`partition column '${c}' must not start with '_' or '.'`, c);
    checkWritablePartitionType(f!.type, c);
  }
}
