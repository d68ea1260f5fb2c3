import type { Action, AddFile, AppTxn, Metadata, Protocol, RemoveFile } from './actions.js';
import { fileKey } from './data-paths.js';

/**
 * Log replay: the table state that actions reconcile into (PROTOCOL "Action Reconciliation").
 * The latest protocol and metadata win, the latest txn version per appId wins, and files are
 * keyed by their decoded path: the newest add makes a file live, the newest remove a tombstone.
 */
export class TableState {
  version = -1;
  protocol: Protocol | undefined;
  metadata: Metadata | undefined;
  /** The versions that last set the protocol / metadata, for error messages. */
  protocolVersion = -1;
  metadataVersion = -1;
  /** The version of the checkpoint replay started from, or -1; and its first file. */
  checkpointVersion = -1;
  checkpointFile: string | undefined;
  /** key -> live add */
  readonly files: Map<string, AddFile>;
  /** key -> the version of the add that made the file live (a checkpoint's version when read from one) */
  readonly addedIn: Map<string, number>;
  /**
   * key -> remove, expired or not (expiry depends on the clock; see Snapshot.tombstones). When
   * the state started from a checkpoint read without its removes, this holds the removes of the
   * commits after it, and `checkpointRemoves` loads the checkpoint's own (see `allRemoves`).
   */
  readonly removes: Map<string, RemoveFile>;
  checkpointRemoves: (() => Promise<RemoveFile[]>) | undefined;
  readonly txns: Map<string, AppTxn>;
  /** appId -> the table version that last set it */
  readonly txnVersions: Map<string, number>;

  constructor(
    readonly root: string,
    from?: TableState,
  ) {
    this.files = new Map(from?.files);
    this.addedIn = new Map(from?.addedIn);
    this.removes = new Map(from?.removes);
    this.txns = new Map(from?.txns);
    this.txnVersions = new Map(from?.txnVersions);
    if (from) {
      this.version = from.version;
      this.protocol = from.protocol;
      this.metadata = from.metadata;
      this.protocolVersion = from.protocolVersion;
      this.metadataVersion = from.metadataVersion;
      this.checkpointVersion = from.checkpointVersion;
      this.checkpointFile = from.checkpointFile;
      this.checkpointRemoves = from.checkpointRemoves;
    }
  }

  clone(): TableState {
    return new TableState(this.root, this);
  }

  /**
   * Starts from a checkpoint's actions (the complete state at its version). `removes` is given
   * when the actions were read without the checkpoint's removes: it loads them on demand.
   */
  applyCheckpoint(
    actions: readonly Action[],
    version: number,
    file: string,
    removes?: () => Promise<RemoveFile[]>,
  ): void {
    this.apply(actions, version);
    this.checkpointVersion = version;
    this.checkpointFile = file;
    this.checkpointRemoves = removes;
  }

  /** Every remove of the state (a checkpoint's deferred ones included), by file key. */
  async allRemoves(): Promise<Map<string, RemoveFile>> {
    if (!this.checkpointRemoves) return this.removes;
    const all = new Map<string, RemoveFile>();
    for (const r of await this.checkpointRemoves()) {
      const key = fileKey(this.root, r.path);
      // A file added again after the checkpoint is live, not a tombstone.
      if (!this.files.has(key)) all.set(key, r);
    }
    for (const [key, r] of this.removes) all.set(key, r);
    return all;
  }

  /** What this state was replayed from, for error messages. */
  describeReplay(): string {
    const commits = (from: number): string =>
      from > this.version
        ? 'no commits after it'
        : from === this.version
          ? `commit ${from}`
          : `commits ${from} to ${this.version}`;
    return this.checkpointFile === undefined
      ? `replayed from ${commits(0)}`
      : `replayed from _delta_log/${this.checkpointFile} and ${commits(this.checkpointVersion + 1)}`;
  }

  /** Applies the actions of version `version` (a commit, or a whole checkpoint). */
  apply(actions: readonly Action[], version: number): void {
    for (const a of actions) {
      if ('add' in a) {
        const key = fileKey(this.root, a.add.path);
        this.files.set(key, a.add);
        this.addedIn.set(key, version);
        this.removes.delete(key);
      } else if ('remove' in a) {
        const key = fileKey(this.root, a.remove.path);
        this.files.delete(key);
        this.addedIn.delete(key);
        this.removes.set(key, a.remove);
      } else if ('txn' in a) {
        this.txns.set(a.txn.appId, a.txn);
        this.txnVersions.set(a.txn.appId, version);
      } else if ('metaData' in a) {
        this.metadata = a.metaData;
        this.metadataVersion = version;
      } else if ('protocol' in a) {
        this.protocol = a.protocol;
        this.protocolVersion = version;
      }
      // commitInfo is provenance of its own version only; it is not table state.
    }
    this.version = version;
  }
}
