import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquet } from './fixtures.js';
import { POND_BIN, bound, tempDir } from './run-pond.js';

describe('pond export killed midway (kill -9)', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  beforeAll(async () => {
    t = await tempDir('pond-export-kill-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'kill');
    await writeParquet(
      join(t.dir, 'big.parquet'),
      `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i * 3) AS timestamp, i AS v, random() AS r FROM range(3000000) t(i)`,
    );
    await p.ok('copy', `host+series://${t.dir}/big.parquet`, '/big.series');
  });
  afterAll(async () => t.cleanup());

  it('leaves no partial partition; the next export removes what it left and completes', async () => {
    const out = join(t.dir, 'out');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'not ours');
    // A leftover of a live process is not touched.
    await mkdir(join(out, `.pond-staging-${process.pid}-live`));
    const args = ['-p', '/big.series', '--dir', out, '--temporal', 'year,month,day,hour'];
    const child = spawn(process.execPath, [POND_BIN, '--pond', t.pond, 'export', ...args], {
      stdio: 'ignore',
    });
    // Wait until it is writing into its staging folder, then kill it without warning.
    let staging: string | undefined;
    for (let i = 0; i < 2000 && !staging; i++) {
      await sleep(20);
      for (const e of await readdir(out)) {
        if (e.startsWith(`.pond-staging-${child.pid}-`) && (await readdir(join(out, e))).length > 0)
          staging = e;
      }
    }
    expect(staging, 'the export never started writing').toBeDefined();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Nothing was published: only the staging folders and what was there before.
    expect((await readdir(out)).sort()).toEqual(
      [staging!, `.pond-staging-${process.pid}-live`, 'keep.txt'].sort(),
    );

    const plan = JSON.parse(await p.ok('export', ...args, '--dry-run', '--json')) as {
      totals: { files: number; rows: number };
    };
    await p.ok('export', ...args);
    expect((await readdir(out)).sort()).toEqual(
      [`.pond-staging-${process.pid}-live`, 'big', 'export.json', 'keep.txt'].sort(),
    );
    const meta = JSON.parse(await readFile(join(out, 'export.json'), 'utf8'));
    const files = meta.exports['/big.series'].files as { rows: number }[];
    expect(files).toHaveLength(plan.totals.files);
    expect(files.reduce((n, f) => n + f.rows, 0)).toBe(3000000);
  });
});
