import { ErrorCode, PondError } from '../../shared/errors.js';
import type { AddFile, Metadata, Protocol, RemoveFile } from './actions.js';
import { absoluteDataPath, fileKey } from './data-paths.js';
import { type PartitionValue, parsePartitionValue } from './partition-values.js';
import { checkReadSupport } from './protocol-support.js';
import type { TableState } from './replay.js';
import { type StructType, fieldOf, parseSchema } from './schema.js';
import { deletedFileRetentionMs } from './table-config.js';

/**
 * The state of a table at one version: protocol, metadata, live files, unexpired tombstones and
 * app transaction versions. Immutable: a refresh makes a new Snapshot.
 */
export class Snapshot {
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  private readonly parsedSchema: StructType | undefined;
  private readonly createdAt = Date.now();
  private filesCache: AddFile[] | undefined;
  private tombstonesCache: RemoveFile[] | undefined;
  private txnCache: Map<string, number> | undefined;

  constructor(
    /** The table root (absolute). */
    readonly root: string,
    /** The replayed state; shared with newer snapshots only by copy. */
    readonly state: TableState,
    /** Modification time (ms) of this version's commit file. */
    readonly timestamp: number,
  ) {
    const where = `Delta table ${root} at version ${state.version}`;
    if (!state.protocol) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `${where} has no protocol action (${state.describeReplay()})`,
        {
          input: root,
        },
      );
    }
    // Check the protocol first, so a table that needs a feature we lack says so.
    checkReadSupport(state.protocol, state.metadata, where);
    if (!state.metadata) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `${where} has no metaData action (${state.describeReplay()})`,
        {
          input: root,
        },
      );
    }
    this.protocol = state.protocol;
    this.metadata = state.metadata;
    if (this.metadata.schemaString !== '') {
      this.parsedSchema = parseSchema(this.metadata.schemaString);
      for (const c of this.metadata.partitionColumns) {
        if (!fieldOf(this.parsedSchema, c)) {
          throw new PondError(
            ErrorCode.DeltaCorrupt,
            `${where}: partition column '${c}' is not in the schema (metaData of version ${state.metadataVersion})`,
            { input: c },
          );
        }
      }
    }
    for (const add of state.files.values()) {
      if (add.deletionVector != null) {
        throw new PondError(
          ErrorCode.DeltaUnsupported,
          `${where}: file ${add.path} has a deletion vector, which this Delta reader does not support`,
          { input: add.path },
        );
      }
    }
  }

  get version(): number {
    return this.state.version;
  }

  get schema(): StructType {
    if (!this.parsedSchema) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `Delta table ${this.root}: the metaData of version ${this.state.metadataVersion} has no schemaString`,
        { input: this.root },
      );
    }
    return this.parsedSchema;
  }

  /** Live files (adds not removed since). */
  get files(): AddFile[] {
    this.filesCache ??= [...this.state.files.values()];
    return this.filesCache;
  }

  /** Removes whose retention (delta.deletedFileRetentionDuration) has not passed. */
  async tombstones(): Promise<RemoveFile[]> {
    this.tombstonesCache ??= await this.tombstonesAt(this.createdAt);
    return this.tombstonesCache;
  }

  /**
   * Tombstones still unexpired at `now` (ms). A remove without deletionTimestamp expired long
   * ago. Reading a table never needs them, so a checkpoint's are only read here, on demand.
   */
  async tombstonesAt(now: number): Promise<RemoveFile[]> {
    const cutoff = now - deletedFileRetentionMs(this.metadata);
    return [...(await this.state.allRemoves()).values()].filter(
      (r) => (r.deletionTimestamp ?? 0) > cutoff,
    );
  }

  get appTxns(): Map<string, number> {
    this.txnCache ??= new Map([...this.state.txns].map(([id, t]) => [id, t.version]));
    return this.txnCache;
  }

  /** The absolute host path of a data file. */
  filePath(add: AddFile): string {
    return absoluteDataPath(this.root, add.path);
  }

  /** The version whose add made this file live (a checkpoint's version if read from one). */
  addedIn(add: AddFile): number | undefined {
    return this.state.addedIn.get(fileKey(this.root, add.path));
  }

  /** The typed value of a partition column of a file, decoded from the log's partitionValues. */
  partitionValue(add: AddFile, column: string): PartitionValue {
    if (!this.metadata.partitionColumns.includes(column)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `'${column}' is not a partition column of ${this.root}`,
        {
          input: column,
        },
      );
    }
    return parsePartitionValue(
      fieldOf(this.schema, column)!.type,
      add.partitionValues[column],
      column,
    );
  }
}
