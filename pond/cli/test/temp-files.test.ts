import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquet } from './fixtures.js';
import { runPond, tempDir } from './run-pond.js';

/**
 * A command working on a pond keeps its temp files in the pond (its staging folder, or the log's
 * own temp names), where `maintain` finds them after a kill -9; never in the system's temp folder,
 * where they would stay. Here the system's temp folder cannot be written at all (TMPDIR names a
 * file), and every such command still works.
 */
describe('no temp files outside the pond', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  const pond = (...args: string[]) => runPond(['--pond', t.pond, ...args], { env });
  const ok = async (...args: string[]) => {
    const r = await pond(...args);
    expect(r.code, `pond ${args.join(' ')}: ${r.stderr}`).toBe(0);
    expect(r.stderr, `pond ${args.join(' ')}`).not.toMatch(/Warning|ENOTDIR/);
    return r.stdout;
  };

  beforeAll(async () => {
    t = await tempDir('pond-temp-files-');
    const notAFolder = join(t.dir, 'tmp-is-a-file');
    await writeFile(notAFolder, 'not a folder');
    env = { TMPDIR: notAFolder, TMP: notAFolder, TEMP: notAFolder };
    await writeParquet(join(t.dir, 'pumps.parquet'), 'SELECT 1 AS id, 2.5 AS flow');
  });
  afterAll(async () => t.cleanup());

  it('commits with checkpoints, maintain, a derived table read raw, and verify', async () => {
    await ok('init', '--birthplace', 'temp-files');
    await ok('copy', `host+table://${join(t.dir, 'pumps.parquet')}`, '/pumps.table');
    for (let i = 0; i < 9; i++) {
      await writeFile(join(t.dir, `n${i}.txt`), `note ${i}\n`);
      await ok('copy', `host://${join(t.dir, `n${i}.txt`)}`, `/n${i}.txt`);
    }
    // The tenth commit wrote a checkpoint.
    expect(
      existsSync(join(t.pond, 'data', '_delta_log', '00000000000000000010.checkpoint.parquet')),
    ).toBe(true);
    expect(await ok('maintain')).toMatch(/Checkpoint at transaction/);

    await writeFile(join(t.dir, 'view.yaml'), 'patterns: { source: "/pumps.table" }\n');
    await ok(
      'mknod',
      'sql-derived-table',
      '/view.table',
      '--config-path',
      join(t.dir, 'view.yaml'),
    );
    const raw = await pond('cat', '/view.table', '--format', 'raw');
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout.slice(0, 4)).toBe('PAR1');

    await ok('backup', 'add', 'usb', `file://${join(t.dir, 'backup')}`);
    await ok('push', 'usb');
    expect(await ok('verify', 'usb')).toMatch(/up to date/);
    expect((await ok('fsck')).trim().split('\n').pop()).toBe('OK');
  });
});
