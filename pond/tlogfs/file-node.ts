import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { FileType } from '../tinyfs/entry-type.js';
import type { NodeId } from '../tinyfs/node-id.js';
import type { FileContent, FileNode, FileVersion } from '../tinyfs/node.js';
import type { BlobRef } from './blob-store.js';
import { chunkChain, wholeSize } from './data-chunks.js';
import type { TlogDirectory } from './directory-node.js';
import { oplogRow, type OplogRow } from './oplog.js';
import { INLINE_LIMIT, type PondTxn } from './transaction.js';
import { encodeVersionAttributes, versionAttributes } from './version-attributes.js';

/**
 * A stored file: data (readers see the latest version), table (latest) or series (readers see
 * the union of all versions). Small data is inline in the oplog row; large data and every
 * table/series version is a blob that DuckDB reads directly.
 */
export class TlogFile implements FileNode {
  readonly append?: (content: FileContent) => Promise<FileVersion>;

  constructor(
    private readonly txn: PondTxn,
    readonly id: NodeId,
    readonly type: FileType,
    private readonly parent: TlogDirectory,
    /** The partition holding this file's rows (see StoredEntry.home). */
    private readonly home: NodeId,
    private readonly name: string,
    readonly path: string,
    /** The transaction that wrote the latest version, from the parent's entry (speeds up reads). */
    private readonly writtenIn: number | undefined,
  ) {
    if (txn.writable) this.append = (c) => this.appendVersion(c);
  }

  async versions(): Promise<FileVersion[]> {
    const rows = await this.txn.versionRows(this.home, this.id);
    return rows.map((r) => this.toVersion(r));
  }

  async read(version?: number): Promise<Uint8Array> {
    const row =
      version === undefined
        ? await this.txn.latestRow(this.home, this.id, this.writtenIn)
        : (await this.txn.versionRows(this.home, this.id)).find((r) => r.version === version);
    if (row && versionAttributes(row).offset !== undefined) return this.readWhole(row);
    if (!row) {
      throw new PondError(
        ErrorCode.NotFound,
        `'${this.path}' has no version ${version ?? ''}`.trim(),
        {
          input: this.path,
        },
      );
    }
    return this.bytesOf(row);
  }

  /** A data file that grew: its parts up to `row`, joined. */
  private async readWhole(row: OplogRow): Promise<Uint8Array> {
    const rows = await this.txn.versionRows(this.home, this.id);
    const index = rows.findIndex((r) => r.version === row.version);
    const parts: Uint8Array[] = [];
    for (const r of chunkChain(rows, index, this.path)) parts.push(await this.bytesOf(r));
    return Buffer.concat(parts);
  }

  private async bytesOf(row: OplogRow): Promise<Uint8Array> {
    if (row.content !== null) return row.content;
    return this.txn.blobs.read(row.blob!);
  }

  private async appendVersion(content: FileContent): Promise<FileVersion> {
    const rows = await this.txn.versionRows(this.home, this.id);
    const previous = rows[rows.length - 1];
    const version = (previous?.version ?? 0) + 1;
    if (content.continues && (this.type !== 'data' || !previous)) {
      throw new PondError(
        ErrorCode.Internal,
        `'${this.path}': only a data file with a version can be continued`,
        { input: this.path },
      );
    }
    const stored = await this.store(content);
    const row = oplogRow({
      part_id: this.home,
      node_id: this.id,
      entry_type: this.type,
      version,
      timestamp: this.txn.startedAt,
      txn_seq: this.txn.seq,
      size: stored.size,
      sha256: stored.sha256,
      content: stored.inline ?? null,
      blob: stored.inline ? null : stored.sha256,
      min_event_time: content.minEventTimeUs ?? null,
      max_event_time: content.maxEventTimeUs ?? null,
      timestamp_column: content.timestampColumn ?? null,
      attributes: content.continues
        ? encodeVersionAttributes({ offset: wholeSize(previous!) })
        : null,
    });
    this.txn.addRow(row);
    await this.parent.touch(this.name, {
      version,
      size: wholeSize(row),
      modified: this.txn.startedAt,
      txnSeq: this.txn.seq,
    });
    if (version > 1)
      this.txn.changes.push({ path: this.path, action: 'new version', type: this.type });
    return this.toVersion(row);
  }

  private async store(content: FileContent): Promise<BlobRef & { inline?: Uint8Array }> {
    if ((content.bytes === undefined) === (content.hostPath === undefined)) {
      throw new PondError(
        ErrorCode.Internal,
        'file content needs exactly one of bytes and hostPath',
      );
    }
    const size = content.bytes?.length ?? (await stat(content.hostPath!)).size;
    if (this.type === 'data' && size < INLINE_LIMIT) {
      const bytes = content.bytes ?? (await readFile(content.hostPath!));
      return { sha256: createHash('sha256').update(bytes).digest('hex'), size, inline: bytes };
    }
    return content.bytes
      ? this.txn.blobs.putBytes(content.bytes)
      : this.txn.blobs.putFile(content.hostPath!, content.sha256);
  }

  private toVersion(r: OplogRow): FileVersion {
    const v: FileVersion = {
      version: r.version,
      txnSeq: r.txn_seq,
      timestamp: r.timestamp,
      size: r.size ?? 0,
      sha256: r.sha256 ?? '',
    };
    if (r.min_event_time !== null) v.minEventTimeUs = r.min_event_time;
    if (r.max_event_time !== null) v.maxEventTimeUs = r.max_event_time;
    if (r.timestamp_column !== null) v.timestampColumn = r.timestamp_column;
    if (r.blob !== null) v.blobPath = this.txn.blobs.path(r.blob);
    const a = versionAttributes(r);
    if (a.base) v.base = true;
    if (a.restoredFrom) v.restoredFrom = a.restoredFrom;
    if (a.offset !== undefined) v.offset = a.offset;
    return v;
  }
}
