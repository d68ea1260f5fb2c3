import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyHashing } from '../copy-hashing.js';

/** The one-pass copy of a push: the bytes exactly, their SHA-256, and never over a file. */
describe('copyHashing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'copy-hashing-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const MB4 = 4 << 20;
  for (const size of [0, 1, MB4 - 1, MB4, MB4 + 1, 3 * MB4 + 5, 21 * 1024 * 1024 + 7]) {
    it(`copies ${size} bytes exactly and hashes them`, async () => {
      const bytes = randomBytes(size);
      const from = join(dir, `in-${size}`);
      const to = join(dir, `out-${size}`);
      await writeFile(from, bytes);
      const sha = await copyHashing(from, to, { durable: size % 2 === 1 });
      expect(sha).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect((await readFile(to)).equals(bytes)).toBe(true);
    });
  }

  it('never writes over an existing file', async () => {
    const from = join(dir, 'a');
    const to = join(dir, 'b');
    await writeFile(from, 'new');
    await writeFile(to, 'old');
    await expect(copyHashing(from, to)).rejects.toThrow(/EEXIST/);
    expect(await readFile(to, 'utf8')).toBe('old');
  });
});
