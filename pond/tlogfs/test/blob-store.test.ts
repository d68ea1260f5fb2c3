import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { BlobStore } from '../blob-store.js';

describe('tlogfs: blob store', () => {
  let dir: string;
  let blobs: BlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pond-blobs-'));
    blobs = new BlobStore(join(dir, 'data', '_large_files'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('a staged file sealed before the transaction is stored under the hash seal gave', async () => {
    const bytes = Buffer.alloc(3 << 20, 7);
    const staged = await blobs.tempPath('.parquet');
    await writeFile(staged, bytes);
    const sealed = await BlobStore.seal(staged);
    expect(sealed).toBe(sha(bytes));
    const ref = await blobs.putFile(staged, sealed);
    expect(ref).toEqual({ sha256: sha(bytes), size: bytes.length });
    expect(sha(await readFile(blobs.path(ref.sha256)))).toBe(ref.sha256);
    // The staged file is left to its writer.
    expect((await readFile(staged)).length).toBe(bytes.length);
  });

  it('a known hash is refused for a file outside this process staging folder', async () => {
    const outside = join(dir, 'user.csv');
    await writeFile(outside, 'a,b\n1,2\n');
    await expect(blobs.putFile(outside, sha(await readFile(outside)))).rejects.toMatchObject({
      code: ErrorCode.Internal,
    });
    // Without one, the file is hashed as it is read.
    const ref = await blobs.putFile(outside);
    expect(ref.sha256).toBe(sha(await readFile(outside)));
  });
});
