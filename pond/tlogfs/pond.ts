import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PondError, isPondError } from '../../shared/errors.js';
import { DeltaTable, type Snapshot } from '../delta/index.js';
import { DuckSession } from '../duckdb/session.js';
import { newNodeId, ROOT_ID } from '../tinyfs/node-id.js';
import { BlobStore } from './blob-store.js';
import { encodeDirectory } from './directory-snapshot.js';
import { PondLayout } from './layout.js';
import { checkNewPondFolder } from './new-pond-folder.js';
import { oplogRow, oplogSchema, PARTITION_COLUMN, type OplogRow } from './oplog.js';
import { writeOplogRows } from './oplog-write.js';
import { OplogReader, RowCache, type IndexedFile } from './oplog-reader.js';
import { PondTxn, type Change, type DynamicNodeMaker } from './transaction.js';
import { acquireWriteLock } from './write-lock.js';

export interface PondIdentity {
  id: string;
  birthplace: string;
  created: string;
  createdBy: string;
}

export interface PondOptions {
  /** A DuckDB session to share; the pond makes (and closes) its own when absent. */
  session?: DuckSession;
  /** Builds live nodes for stored factory nodes (the factory registry). */
  dynamic?: DynamicNodeMaker;
  /** How long a writer waits for another writer to finish (default 60 s). */
  lockTimeoutMs?: number;
  /**
   * Runs after each committed write, outside the write lock (automatic pushes to backups are
   * wired in here by the layers above). The commit is already durable: a failure of the hook is
   * reported as a warning and never fails the write.
   */
  afterCommit?: (pond: Pond, seq: number) => Promise<void>;
}

/** What a write transaction is: the command or UI action, recorded in the commit. */
export interface TxnMeta {
  /** e.g. ['copy', 'host:///a.csv', '/a.csv'] or ['app', 'import', '/sensors']. */
  command: string[];
  /** The transaction this one reverts, when it is a revert. */
  reverts?: number;
}

export interface WriteResult<T> {
  result: T;
  /** The transaction number, or undefined when nothing changed (no transaction was made). */
  seq: number | undefined;
  changes: Change[];
}

/** Pond transaction metadata stored in each commit's commitInfo under `pond`. */
export interface PondCommitInfo {
  txn_seq: number;
  txn_id: string;
  command: string[];
  user: string;
  host: string;
  changes: Change[];
  changes_total: number;
  /** Set on a revert: the transaction it undid. */
  reverts?: number;
}

const CHANGES_KEPT = 100;
/** A partition with this many oplog files is compacted after a write. */
const AUTO_COMPACT_FILES = 16;
const IDENTITY_KEYS = {
  id: 'pond.id',
  birthplace: 'pond.birthplace',
  created: 'pond.created',
  createdBy: 'pond.createdBy',
} as const;

/**
 * An open pond: the Delta table that holds the oplog, its blobs, and transactions over it.
 * Transaction numbers are the Delta versions of the commits that made them; transaction 1 is
 * `init`. Reads see a snapshot and never wait for writers; writers take the write lock, and a
 * lost commit race re-runs the whole transaction on the new snapshot.
 */
export class Pond {
  private readonly rowCache = new RowCache();
  private readonly fileIndex = new Map<string, IndexedFile>();
  private reader: OplogReader | undefined;
  private readerVersion = -1;

  private constructor(
    readonly layout: PondLayout,
    private readonly table: DeltaTable,
    readonly session: DuckSession,
    private readonly ownsSession: boolean,
    private readonly options: PondOptions,
    readonly identity: PondIdentity,
  ) {}

  static async create(
    path: string,
    birthplace: string,
    meta: TxnMeta,
    options: PondOptions = {},
  ): Promise<Pond> {
    const layout = new PondLayout(path);
    if (birthplace.trim() === '') {
      throw new PondError(ErrorCode.InvalidArgument, 'the birthplace label must not be empty', {
        input: birthplace,
      });
    }
    await checkNewPondFolder(layout);
    await mkdir(layout.data, { recursive: true });
    await mkdir(layout.cache, { recursive: true });
    const identity: PondIdentity = {
      id: newNodeId(),
      birthplace,
      created: new Date().toISOString(),
      createdBy: `${userName()}@${hostname()}`,
    };
    const { session, owns } = sessionFor(options);
    try {
      const table = await DeltaTable.create(layout.data, session, {
        schema: oplogSchema(),
        partitionColumns: [PARTITION_COLUMN],
        name: `pond ${birthplace}`,
        configuration: {
          'delta.checkpointInterval': '10',
          [IDENTITY_KEYS.id]: identity.id,
          [IDENTITY_KEYS.birthplace]: identity.birthplace,
          [IDENTITY_KEYS.created]: identity.created,
          [IDENTITY_KEYS.createdBy]: identity.createdBy,
        },
        commitInfo: { pond: { txn_seq: 0, command: meta.command } },
      });
      const pond = new Pond(layout, table, session, owns, options, identity);
      // Transaction 1 makes the root directory.
      await pond.commitRows([pond.rootRow(1)], 1, meta, [
        { path: '/', action: 'created', type: 'directory' },
      ]);
      return pond;
    } catch (e) {
      // The session the pond made for itself goes with the pond that failed to be made.
      if (owns) session.close();
      throw e;
    }
  }

  static async open(path: string, options: PondOptions = {}): Promise<Pond> {
    const layout = new PondLayout(path);
    if (!existsSync(layout.root)) {
      throw new PondError(
        ErrorCode.NotAPond,
        `no pond at ${layout.root}: the folder does not exist`,
        { input: layout.root },
      );
    }
    // Only a log that is not there means "not a pond"; one we may not read is the host's refusal.
    const log = await stat(join(layout.data, '_delta_log')).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (!log) {
      throw new PondError(ErrorCode.NotAPond, `${layout.root} is not a pond (no data/_delta_log)`, {
        input: layout.root,
      });
    }
    const { session, owns } = sessionFor(options);
    try {
      const table = await DeltaTable.open(layout.data, session);
      const identity = identityOf(table.snapshot, layout.root);
      return new Pond(layout, table, session, owns, options, identity);
    } catch (e) {
      if (owns) session.close();
      if (isPondError(e))
        throw new PondError(e.code, `cannot open the pond at ${layout.root}: ${e.message}`, {
          input: layout.root,
          cause: e,
        });
      throw e;
    }
  }

  /** The newest transaction number. */
  get lastSeq(): number {
    return this.table.snapshot.version;
  }

  get delta(): DeltaTable {
    return this.table;
  }

  /** Runs `fn` on a read view: the latest transaction, or the pond as of transaction `asOf`. */
  async read<T>(fn: (txn: PondTxn) => Promise<T>, asOf?: number): Promise<T> {
    const snapshot = await this.table.refresh();
    const seq = asOf ?? snapshot.version;
    if (!Number.isInteger(seq) || seq < 1 || seq > snapshot.version) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `transaction ${asOf} does not exist: this pond has transactions 1 to ${snapshot.version}`,
        { input: String(asOf) },
      );
    }
    return fn(new PondTxn(this.services(snapshot), seq, false));
  }

  /**
   * Runs `fn` on a write transaction over the latest snapshot that is never committed: a dry
   * run (the app's preview of a factory node before it is made). It takes no lock, so it never
   * waits for or holds up a writer, and what `fn` changes is dropped with the transaction. Only
   * for changes that stay in memory (factory nodes, directories): file content would leave
   * blobs behind that nothing names.
   */
  async draft<T>(fn: (txn: PondTxn) => Promise<T>): Promise<T> {
    const snapshot = await this.table.refresh();
    return fn(new PondTxn(this.services(snapshot), snapshot.version + 1, true));
  }

  /**
   * Runs `fn` as one write transaction and commits what it changed. A transaction that loses the
   * commit race to another writer is re-run from the start on the new snapshot. After the commit
   * (and the write lock), the `afterCommit` hook runs.
   */
  async write<T>(meta: TxnMeta, fn: (txn: PondTxn) => Promise<T>): Promise<WriteResult<T>> {
    const done = await this.writeLocked(meta, fn);
    if (done.seq !== undefined && this.options.afterCommit) {
      try {
        await this.options.afterCommit(this, done.seq);
      } catch (e) {
        process.emitWarning(
          `after transaction ${done.seq} (which is committed): ${(e as Error).message}`,
        );
      }
    }
    return done;
  }

  private async writeLocked<T>(
    meta: TxnMeta,
    fn: (txn: PondTxn) => Promise<T>,
  ): Promise<WriteResult<T>> {
    const release = await acquireWriteLock(
      this.layout.lock,
      meta.command.join(' '),
      this.options.lockTimeoutMs ?? 60_000,
    );
    try {
      for (let attempt = 1; ; attempt++) {
        const snapshot = await this.table.refresh();
        const seq = snapshot.version + 1;
        const txn = new PondTxn(this.services(snapshot), seq, true);
        const result = await fn(txn);
        if (!txn.hasChanges) return { result, seq: undefined, changes: [] };
        const rows = await txn.rowsToCommit();
        try {
          await this.commitRows(rows, seq, meta, txn.changes);
        } catch (e) {
          if (!isPondError(e, ErrorCode.Conflict) || attempt >= 5) throw e;
          continue;
        }
        await this.compactIfNeeded(new Set(rows.map((r) => r.part_id)));
        return { result, seq, changes: txn.changes };
      }
    } finally {
      await release();
    }
  }

  /** The last transaction committed at or before a time (ms), by the commits' log times. */
  async seqAtTime(ms: number): Promise<number> {
    const times = await this.table.commitTimestamps();
    const before = times.filter((t) => t.timestamp <= ms && t.version >= 1);
    if (before.length === 0) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `the pond has no transaction at or before ${new Date(ms).toISOString()}`,
        {
          input: new Date(ms).toISOString(),
        },
      );
    }
    return before[before.length - 1]!.version;
  }

  /** Every row of the oplog (all versions of all nodes), for fsck and `pond show`. */
  async allRows(): Promise<OplogRow[]> {
    const snapshot = await this.table.refresh();
    return this.services(snapshot).reader.allRows();
  }

  /** Runs maintenance work while holding the write lock, so no transaction runs beside it. */
  async withWriteLock<T>(command: string[], fn: () => Promise<T>): Promise<T> {
    const release = await acquireWriteLock(
      this.layout.lock,
      command.join(' '),
      this.options.lockTimeoutMs ?? 60_000,
    );
    try {
      await this.table.refresh();
      return await fn();
    } finally {
      await release();
    }
  }

  async close(): Promise<void> {
    if (this.ownsSession) this.session.close();
  }

  private services(snapshot: Snapshot) {
    if (!this.reader || this.readerVersion !== snapshot.version) {
      this.reader = new OplogReader(this.session, snapshot, this.rowCache, this.fileIndex);
      this.readerVersion = snapshot.version;
    }
    return {
      session: this.session,
      blobs: new BlobStore(this.layout.blobs),
      cacheDir: this.layout.cache,
      reader: this.reader,
      dynamic: this.options.dynamic,
    };
  }

  /**
   * Keeps the number of oplog files per partition small, so opening a pond and reading a node
   * cost the same after 10 or 10,000 transactions. Runs after the commit, under the write lock,
   * as its own (automatic) transaction; the caller's transaction is already durable, so a
   * failure here is reported as a warning, not as a failed command.
   */
  private async compactIfNeeded(partitions: Set<string>): Promise<void> {
    const counts = new Map<string, number>();
    for (const add of this.table.snapshot.files) {
      const p = add.partitionValues[PARTITION_COLUMN];
      if (p && partitions.has(p)) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const crowded = new Set([...counts].filter(([, n]) => n >= AUTO_COMPACT_FILES).map(([p]) => p));
    if (crowded.size === 0) return;
    try {
      await this.table.optimize({
        minFilesPerPartition: AUTO_COMPACT_FILES,
        partitionFilter: (pv) => crowded.has(pv[PARTITION_COLUMN] ?? ''),
        commitInfo: {
          operation: 'OPTIMIZE',
          pond: {
            txn_seq: this.table.snapshot.version + 1,
            command: ['automatic compaction'],
            changes: [],
            changes_total: 0,
          },
        },
      });
    } catch (e) {
      process.emitWarning(
        `automatic compaction failed (the transaction itself is committed): ${(e as Error).message}`,
      );
    }
  }

  private async commitRows(
    rows: OplogRow[],
    seq: number,
    meta: TxnMeta,
    changes: Change[],
  ): Promise<void> {
    await this.requireBlobs(rows);
    const adds = await writeOplogRows(this.table, this.session, rows);
    const info: PondCommitInfo = {
      txn_seq: seq,
      txn_id: newNodeId(),
      command: meta.command,
      user: userName(),
      host: hostname(),
      changes: changes.slice(0, CHANGES_KEPT),
      changes_total: changes.length,
    };
    if (meta.reverts !== undefined) info.reverts = meta.reverts;
    await this.table.commit({
      actions: adds.map((add) => ({ add })),
      commitInfo: { operation: 'WRITE', pond: info },
      readVersion: seq - 1,
      blindAppend: false,
    });
  }

  /**
   * Every blob the commit references is on disk, and its name durable. Blobs are published
   * inside the transaction, so this fails only if one was published outside it and removed
   * meanwhile as an orphan: better a failed transaction than a committed one that reads a
   * missing file.
   */
  private async requireBlobs(rows: OplogRow[]): Promise<void> {
    const blobs = new BlobStore(this.layout.blobs);
    let any = false;
    for (const r of rows) {
      if (r.blob === null) continue;
      any = true;
      if (!(await blobs.has(r.blob))) {
        throw new PondError(
          ErrorCode.Internal,
          `blob ${BlobStore.blobName(r.blob)} of node ${r.node_id} vanished before its commit`,
          { input: blobs.path(r.blob) },
        );
      }
    }
    if (any) await blobs.syncNames();
  }

  private rootRow(seq: number): OplogRow {
    return oplogRow({
      part_id: ROOT_ID,
      node_id: ROOT_ID,
      entry_type: 'directory',
      version: 1,
      timestamp: Date.now(),
      txn_seq: seq,
      size: 0,
      content: encodeDirectory([]),
    });
  }
}

/** The caller's session, or one of the pond's own that loads DuckDB only when a query needs it. */
function sessionFor(options: PondOptions): { session: DuckSession; owns: boolean } {
  if (options.session) return { session: options.session, owns: false };
  return { session: DuckSession.lazy(), owns: true };
}

function identityOf(snapshot: Snapshot, root: string): PondIdentity {
  const c = snapshot.metadata.configuration;
  const id = c[IDENTITY_KEYS.id];
  if (!id) {
    throw new PondError(
      ErrorCode.NotAPond,
      `${root} holds a Delta table that is not a pond (no ${IDENTITY_KEYS.id})`,
      { input: root },
    );
  }
  return {
    id,
    birthplace: c[IDENTITY_KEYS.birthplace] ?? '',
    created: c[IDENTITY_KEYS.created] ?? '',
    createdBy: c[IDENTITY_KEYS.createdBy] ?? '',
  };
}

let user: string | undefined;

/** The user running this process (looked up once: each lookup reads the passwd database). */
function userName(): string {
  if (user === undefined) {
    try {
      user = userInfo().username;
    } catch {
      user = process.env['USER'] ?? 'unknown';
    }
  }
  return user;
}
