import { appendFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, tempDir } from './run-pond.js';

/** A pond's stored files are its own: nothing outside changes them, and a missing one is damage. */
describe('stored files', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  beforeAll(async () => {
    t = await tempDir('pond-damage-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'damage');
  });
  afterAll(async () => t.cleanup());

  it('editing a copied host file in place changes nothing in the pond', async () => {
    const host = join(t.dir, 'log.txt');
    const original = 'line\n'.repeat(20_000); // over the inline limit: stored as a blob
    await writeFile(host, original);
    await p.ok('copy', `host://${host}`, '/log.txt');
    await appendFile(host, 'appended by an editor\n');
    expect(await p.ok('cat', '/log.txt')).toBe(original);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });

  it('a missing blob says the pond is damaged and to run pond fsck', async () => {
    const csv = join(t.dir, 't.csv');
    await writeFile(csv, 'a,b\n1,2\n');
    await p.ok('copy', `host+csv+table://${csv}`, '/t.table');
    await writeFile(join(t.dir, 'big.txt'), 'x'.repeat(100_000));
    await p.ok('copy', `host://${join(t.dir, 'big.txt')}`, '/big.txt');
    const blobs = join(t.pond, 'data', '_large_files');
    for (const name of await readdir(blobs))
      if (name.startsWith('sha256=')) await rm(join(blobs, name));

    const table = await p.run('cat', '/t.table', '--format', 'csv');
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(
      /^pond: the pond is damaged: version 1 of '\/t.table' is missing \(.*\/_large_files\/sha256=[0-9a-f]{64}\); run pond fsck to see what else is affected\n$/,
    );
    const data = await p.run('cat', '/big.txt');
    expect(data.code).toBe(1);
    expect(data.stderr).toMatch(
      /^pond: the pond is damaged: blob sha256=[0-9a-f]{64} is missing .*run pond fsck/,
    );
    const fsck = await p.run('fsck');
    expect(fsck.code).toBe(1);
    expect(fsck.stdout).toMatch(/DAMAGE missing-blob: .*sha256=/);
  });
});
