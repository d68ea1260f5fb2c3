import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, tempDir } from './run-pond.js';

/**
 * `pond maintain` keeps files removed from the Delta table for the retention (7 days by
 * default), so a Delta reader (ours here, another engine in delta-interop.test.ts) can still
 * read the versions before a compaction; `--vacuum-retention-hours` changes it.
 */
describe('maintain and Delta time travel', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let versions: number;
  beforeAll(async () => {
    t = await tempDir('pond-maintain-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'maintain');
    for (let i = 0; i < 12; i++) {
      await writeFile(join(t.dir, `n${i}.txt`), `note ${i}\n`);
      await p.ok('copy', `host://${join(t.dir, `n${i}.txt`)}`, `/n${i}.txt`);
    }
    versions = Number(/Transaction (\d+)/.exec(await p.ok('log', '--limit', '1'))![1]);
  });
  afterAll(async () => t.cleanup());

  /** Rows and newest transaction of the oplog table at a Delta version, by our Delta reader. */
  const atVersion = (v?: number) =>
    p.run(
      'cat',
      `host+delta://${join(t.pond, 'data')}${v === undefined ? '' : `?version=${v}`}`,
      '--format',
      'csv',
      '--sql',
      'SELECT count(*) AS n, max(txn_seq) AS t FROM source',
    );

  /** Some versions before the first maintain: the first ones, one in the middle, the last. */
  async function earlierVersions(): Promise<string[]> {
    const out: string[] = [];
    for (const v of [1, 2, 7, versions]) {
      const r = await atVersion(v);
      out.push(r.code === 0 ? r.stdout.trim().split('\n')[1]! : `error: ${r.stderr.trim()}`);
    }
    return out;
  }

  it('keeps earlier versions readable after a maintain, until the retention is 0', async () => {
    const before = await earlierVersions();
    expect(before.every((l) => !l.startsWith('error'))).toBe(true);
    // Each transaction adds a file and a new root version: 1 row at v1, 3 at v2, ...
    expect(before[1]).toBe('3,2');

    const m = await p.ok('maintain');
    expect(m).toMatch(/Compaction: \d+ files into 1/);
    expect(m).toMatch(/Vacuum: 0 oplog files removed/);
    expect(await earlierVersions()).toEqual(before);
    // The retired files kept for the retention are neither damage nor leftovers.
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');

    const bad = await p.run('maintain', '--vacuum-retention-hours', '-1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--vacuum-retention-hours must be a number from 0 to \d+, not '-1'/);
    expect((await p.run('maintain', '--vacuum-retention-hours', 'soon')).code).toBe(1);

    // A day's retention keeps files retired a moment ago.
    expect(await p.ok('maintain', '--vacuum-retention-hours', '24')).toMatch(
      /Vacuum: 0 oplog files/,
    );
    const now = await p.ok('maintain', '--vacuum-retention-hours', '0');
    expect(now).toMatch(/Vacuum: [1-9]\d* oplog files removed/);
    const after = await earlierVersions();
    // The latest version reads the same rows; the versions before the compaction name the file
    // they miss.
    const latest = await atVersion();
    expect(latest.stdout.trim().split('\n')[1]).toBe(before.at(-1));
    expect(after[1]).toMatch(/^error: .*part_id=.*part-[0-9a-f-]+\.parquet/);
    // The pond's own time travel reads rows by transaction number, so it is unaffected.
    expect(await p.ok('cat', '/n0.txt', '--as-of', '2')).toBe('note 0\n');
    expect(await p.ok('list', '/', '--as-of', '3')).toMatch(/\/n1\.txt\n$/);
    expect((await p.ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });
});
