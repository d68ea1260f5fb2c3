import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { WriteOptions, WriteResult } from './object-store.js';
import { checkExpected, metadata, unquote } from './s3-integrity.js';

type Sdk = typeof import('@aws-sdk/client-s3');

/** What a multipart upload needs of the store. */
export interface S3Target {
  sdk: Sdk;
  client: S3Client;
  bucket: string;
  url: string;
  objectKey(key: string): string;
  signal?: AbortSignal;
}

const PART_SIZE = 16 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

/**
 * Uploads a large file in 16 MiB parts (four at a time, each read into a buffer: memory stays
 * bounded), each part checked like a single PUT, the assembly checked by its ETag. A failure
 * aborts the upload, so nothing half-made stays behind.
 */
export async function putMultipart(
  t: S3Target,
  key: string,
  file: string,
  size: number,
  options: WriteOptions,
): Promise<WriteResult> {
  const opts = t.signal ? { abortSignal: t.signal } : {};
  const whole = createHash('sha256');
  const wholeMd5 = createHash('md5');
  const parts: { PartNumber: number; ETag: string; ChecksumSHA256: string }[] = [];
  const md5s: Buffer[] = [];
  const shas: Buffer[] = [];
  const started = await t.client.send(
    new t.sdk.CreateMultipartUploadCommand({
      Bucket: t.bucket,
      Key: t.objectKey(key),
      ChecksumAlgorithm: 'SHA256',
      Metadata: metadata(options.sha256 ?? '', options),
    }),
    opts,
  );
  const uploadId = started.UploadId!;
  const handle = await open(file, 'r');
  const inFlight = new Set<Promise<void>>();
  try {
    const count = Math.ceil(size / PART_SIZE);
    for (let i = 0; i < count; i++) {
      const length = Math.min(PART_SIZE, size - i * PART_SIZE);
      const body = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(body, 0, length, i * PART_SIZE);
      if (bytesRead !== length) throw new Error(`${file} changed while it was read`);
      whole.update(body);
      wholeMd5.update(body);
      const sha = createHash('sha256').update(body).digest();
      const md5 = createHash('md5').update(body).digest();
      md5s[i] = md5;
      shas[i] = sha;
      const p = putPart(t, key, uploadId, i + 1, body, sha, md5).then((etag) => {
        parts[i] = { PartNumber: i + 1, ETag: etag, ChecksumSHA256: sha.toString('base64') };
      });
      const tracked = p.finally(() => inFlight.delete(tracked));
      // Failures are seen by the race or the final wait; none may go unobserved meanwhile.
      tracked.catch(() => undefined);
      inFlight.add(tracked);
      if (inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const sha256 = whole.digest('hex');
    checkExpected(t.url, key, sha256, options);
    const done = await t.client.send(
      new t.sdk.CompleteMultipartUploadCommand({
        Bucket: t.bucket,
        Key: t.objectKey(key),
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
      opts,
    );
    // S3's ETag of a multipart object is the MD5 of the parts' MD5s, "-N"; some servers give
    // the whole object's MD5. Each part was already confirmed, so either proves the assembly.
    const etag = unquote(done.ETag);
    const composite = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${count}`;
    const compositeSha = `${createHash('sha256').update(Buffer.concat(shas)).digest('base64')}-${count}`;
    if (
      etag !== composite &&
      etag !== wholeMd5.digest('hex') &&
      done.ChecksumSHA256 !== compositeSha
    ) {
      throw new PondError(
        ErrorCode.Remote,
        `${t.url}: the server's answer for ${key} does not confirm its assembled content (ETag ${done.ETag ?? 'none'})`,
        { input: `${t.url}/${key}` },
      );
    }
    return { written: true, size, sha256 };
  } catch (e) {
    // Let the parts still in flight end before the upload is aborted.
    await Promise.allSettled(inFlight);
    await t.client
      .send(
        new t.sdk.AbortMultipartUploadCommand({
          Bucket: t.bucket,
          Key: t.objectKey(key),
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
    throw e;
  } finally {
    await handle.close();
  }
}

async function putPart(
  t: S3Target,
  key: string,
  uploadId: string,
  partNumber: number,
  body: Buffer,
  sha: Buffer,
  md5: Buffer,
): Promise<string> {
  const opts = t.signal ? { abortSignal: t.signal } : {};
  const r = await t.client.send(
    new t.sdk.UploadPartCommand({
      Bucket: t.bucket,
      Key: t.objectKey(key),
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
      ContentLength: body.length,
      ContentMD5: md5.toString('base64'),
      ChecksumSHA256: sha.toString('base64'),
    }),
    opts,
  );
  if (r.ChecksumSHA256 !== sha.toString('base64') && unquote(r.ETag) !== md5.toString('hex')) {
    throw new PondError(
      ErrorCode.Remote,
      `${t.url}: the server's answer for part ${partNumber} of ${key} does not confirm its content`,
      { input: `${t.url}/${key}` },
    );
  }
  return r.ETag!;
}
