import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { hashFile } from '../tlogfs/blob-store.js';
import { checkExpected, META_MTIME, META_SHA256, metadata, unquote } from './s3-integrity.js';
import { putMultipart, type S3Target } from './s3-multipart.js';
import {
  eachLimited,
  remoteError,
  type ObjectBytes,
  type ObjectStore,
  type StoredObject,
  type WriteOptions,
  type WriteResult,
} from './object-store.js';

type Sdk = typeof import('@aws-sdk/client-s3');

export interface S3Options {
  bucket: string;
  /** Key prefix inside the bucket, without slashes at either end ('' for the bucket's root). */
  prefix: string;
  url: string;
  /** An S3-compatible server (MinIO, R2, a test server); path-style requests are used with it. */
  endpoint?: string;
  region?: string;
  /** Attempts per request (the SDK's retries); 1 for automatic pushes that must not linger. */
  maxAttempts?: number;
  signal?: AbortSignal;
}

/** Objects up to this size go in one PUT; larger ones in parts of this size. */
const PART_SIZE = 16 * 1024 * 1024;

/**
 * An S3 bucket prefix through the AWS SDK. Credentials come from the SDK's default chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws files, SSO, instance roles);
 * the pond never stores them.
 *
 * Bodies are sent as buffers of known length (one per part), never as streams: with a stream the
 * SDK sends `aws-chunked` encoding with a trailing checksum, which some S3-compatible servers
 * store verbatim. Each PUT carries the content's SHA-256 and MD5, which S3 checks before it stores
 * anything; the answer must echo the SHA-256 or carry the MD5 ETag, or the upload fails. Log
 * entries are written with `If-None-Match: *` after a HEAD, so an existing entry is never replaced.
 */
export class S3Store implements ObjectStore {
  readonly url: string;

  private constructor(
    private readonly sdk: Sdk,
    private readonly client: S3Client,
    private readonly o: S3Options,
  ) {
    this.url = o.url;
  }

  static async open(o: S3Options): Promise<S3Store> {
    // The SDK warns on every process under Node 20 about its future support; the pond supports 20.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
    const sdk = await import('@aws-sdk/client-s3');
    const region = o.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
    const client = new sdk.S3Client({
      region: region ?? 'us-east-1',
      ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
      // We send our own SHA-256 with every PUT; no extra CRC32 (and no aws-chunked bodies).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: o.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
    return new S3Store(sdk, client, o);
  }

  async listFolder(prefix: string, startAfter?: string): Promise<StoredObject[]> {
    return this.listKeys(prefix, '/', startAfter);
  }

  async hasAny(): Promise<boolean> {
    try {
      const r = await this.client.send(
        new this.sdk.ListObjectsV2Command({
          Bucket: this.o.bucket,
          MaxKeys: 1,
          ...(this.o.prefix ? { Prefix: `${this.o.prefix}/` } : {}),
        }),
        this.opts(),
      );
      return (r.KeyCount ?? r.Contents?.length ?? 0) > 0;
    } catch (e) {
      throw remoteError(this.url, '', 'list', e);
    }
  }

  async sizes(keys: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (keys.length > 200) {
      // One listing of the whole remote is cheaper than hundreds of HEADs.
      const wanted = new Set(keys);
      for (const o of await this.listKeys('', undefined, undefined))
        if (wanted.has(o.key)) out.set(o.key, o.size);
      return out;
    }
    await eachLimited(keys, 16, async (key) => {
      const size = await this.headSize(key);
      if (size !== undefined) out.set(key, size);
    });
    return out;
  }

  async read(key: string): Promise<ObjectBytes | undefined> {
    try {
      const r = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }),
        this.opts(),
      );
      const bytes = Buffer.from(await r.Body!.transformToByteArray());
      const mtime = Number(r.Metadata?.[META_MTIME]);
      return { bytes, ...(Number.isFinite(mtime) && mtime > 0 ? { mtimeMs: mtime } : {}) };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw remoteError(this.url, key, 'read', e);
    }
  }

  async hash(key: string): Promise<{ sha256: string; size: number } | undefined> {
    try {
      const r = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }),
        this.opts(),
      );
      const h = createHash('sha256');
      let size = 0;
      for await (const chunk of r.Body as Readable) {
        h.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { sha256: h.digest('hex'), size };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw remoteError(this.url, key, 'read', e);
    }
  }

  async upload(key: string, file: string, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      const size = (await stat(file)).size;
      if (size <= PART_SIZE) return await this.putOnce(key, await readFile(file), options);
      if (options.ifAbsent && (await this.headSize(key)) !== undefined)
        return { written: false, size, sha256: options.sha256 ?? '' };
      // The hash goes into the object's metadata, which is set before the first part.
      const sha256 = options.sha256 ?? (await hashFile(file));
      return await putMultipart(this.target(), key, file, size, { ...options, sha256 });
    } catch (e) {
      throw remoteError(this.url, key, 'upload', e);
    }
  }

  async writeBytes(
    key: string,
    bytes: Uint8Array,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    try {
      return await this.putOnce(key, Buffer.from(bytes), options);
    } catch (e) {
      throw remoteError(this.url, key, 'upload', e);
    }
  }

  async download(key: string, dest: string): Promise<{ sha256: string; size: number }> {
    try {
      const r = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }),
        this.opts(),
      );
      const h = createHash('sha256');
      let size = 0;
      await pipeline(
        r.Body as Readable,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            h.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(dest, { flags: 'wx' }),
      );
      const sha256 = h.digest('hex');
      const recorded = r.Metadata?.[META_SHA256];
      if (recorded && recorded !== sha256) {
        throw new PondError(
          ErrorCode.Remote,
          `${this.url}: ${key} hashes to ${sha256}, but was uploaded with SHA-256 ${recorded}: the remote copy is damaged`,
          { input: `${this.url}/${key}` },
        );
      }
      return { sha256, size };
    } catch (e) {
      throw remoteError(this.url, key, 'download', e);
    }
  }

  close(): void {
    this.client.destroy();
  }

  private target(): S3Target {
    return {
      sdk: this.sdk,
      client: this.client,
      bucket: this.o.bucket,
      url: this.url,
      objectKey: (k) => this.key(k),
      ...(this.o.signal ? { signal: this.o.signal } : {}),
    };
  }

  private key(key: string): string {
    return this.o.prefix ? `${this.o.prefix}/${key}` : key;
  }

  /**
   * Each request gets its own signal that follows the job's: the SDK adds a listener to the signal
   * it is given, and a push's hundreds of requests on one signal warned of a listener leak.
   */
  private opts(): { abortSignal?: AbortSignal } {
    return this.o.signal ? { abortSignal: AbortSignal.any([this.o.signal]) } : {};
  }

  private async headSize(key: string): Promise<number | undefined> {
    try {
      const r = await this.client.send(
        new this.sdk.HeadObjectCommand({ Bucket: this.o.bucket, Key: this.key(key) }),
        this.opts(),
      );
      return r.ContentLength ?? 0;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw remoteError(this.url, key, 'look at', e);
    }
  }

  private async listKeys(
    prefix: string,
    delimiter: string | undefined,
    startAfter: string | undefined,
  ): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const base = this.o.prefix ? `${this.o.prefix}/` : '';
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new this.sdk.ListObjectsV2Command({
            Bucket: this.o.bucket,
            Prefix: base + prefix,
            ...(delimiter ? { Delimiter: delimiter } : {}),
            ...(startAfter && !token ? { StartAfter: base + startAfter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          this.opts(),
        );
        for (const c of r.Contents ?? []) {
          if (c.Key) out.push({ key: c.Key.slice(base.length), size: c.Size ?? 0 });
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw remoteError(this.url, prefix, 'list', e);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async putOnce(key: string, body: Buffer, options: WriteOptions): Promise<WriteResult> {
    const sha = createHash('sha256').update(body).digest();
    const sha256 = sha.toString('hex');
    checkExpected(this.url, key, sha256, options);
    const md5 = createHash('md5').update(body).digest();
    // Servers without conditional writes ignore If-None-Match; the HEAD keeps them from replacing.
    if (options.ifAbsent && (await this.headSize(key)) !== undefined)
      return { written: false, size: body.length, sha256 };
    let r: { ETag?: string; ChecksumSHA256?: string };
    try {
      r = await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: this.o.bucket,
          Key: this.key(key),
          Body: body,
          ContentLength: body.length,
          ContentMD5: md5.toString('base64'),
          ChecksumSHA256: sha.toString('base64'),
          Metadata: metadata(sha256, options),
          ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
        this.opts(),
      );
    } catch (e) {
      if (options.ifAbsent && httpStatus(e) === 412)
        return { written: false, size: body.length, sha256 };
      throw e;
    }
    if (r.ChecksumSHA256 !== sha.toString('base64') && unquote(r.ETag) !== md5.toString('hex')) {
      throw new PondError(
        ErrorCode.Remote,
        `${this.url}: the server's answer for ${key} does not confirm its content (ETag ${r.ETag ?? 'none'}, no matching SHA-256)`,
        { input: `${this.url}/${key}` },
      );
    }
    return { written: true, size: body.length, sha256 };
  }
}

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isMissing(e: unknown): boolean {
  const name = (e as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(e) === 404;
}
