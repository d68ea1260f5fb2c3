import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquet } from './fixtures.js';
import { POND_BIN, bound, runPond, tempDir } from './run-pond.js';

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

  it('a file put into a target’s place while the export writes is found before anything is published', async () => {
    const out = join(t.dir, 'out-raced');
    const args = ['-p', '/big.series', '--dir', out, '--temporal', 'year,month,day,hour'];
    const done = runPond(['--pond', t.pond, 'export', ...args]);
    let writing = false;
    while (!writing) {
      await sleep(20);
      for (const e of await readdir(out).catch(() => [] as string[]))
        if (e.startsWith('.pond-staging-') && (await readdir(join(out, e))).length > 0)
          writing = true;
    }
    await mkdir(join(out, 'big'));
    await writeFile(join(out, 'big', 'notes.txt'), 'written meanwhile');
    const r = await done;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\): big\/notes\.txt\. Move it away .* Nothing was written\.\n$/);
    expect(await files(out)).toEqual(['big/notes.txt']);
    expect(await readdir(out)).toEqual(['big']);
  });
});

/** Everything under a folder (hidden entries too): path, kind, size and mtime, to compare. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const s = await lstat(d);
    out.push(`${relative(dir, d) || '.'} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`);
    if (s.isDirectory()) for (const e of (await readdir(d)).sort()) await walk(join(d, e));
  };
  await walk(dir);
  return out;
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('pond export killed while publishing (kill -9)', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  const DAYS = 90;
  beforeAll(async () => {
    t = await tempDir('pond-export-kill-publish-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'kill-publish');
    await p.ok('mkdir', '/k');
    for (const name of ['a', 'b', 'c']) {
      await writeParquet(
        join(t.dir, `${name}.parquet`),
        `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS v FROM range(${DAYS * 24}) t(i)`,
      );
      await p.ok('copy', `host+series://${t.dir}/${name}.parquet`, `/k/${name}.series`);
    }
  });
  afterAll(async () => t.cleanup());

  it('the next export takes what it published for the pond’s, and nothing else', async () => {
    const out = join(t.dir, 'out');
    const args = (temporal: string) => ['-p', '/k/*.series', '--dir', out, '--temporal', temporal];
    // An earlier export by hour, with the user's files beside its targets.
    await p.ok('export', ...args('year,month,day,hour'));
    await writeFile(join(out, 'keep.txt'), 'not ours');
    await mkdir(join(out, 'notes'));
    await writeFile(join(out, 'notes', 'visits.txt'), 'not ours either');

    // By day, killed once the first target is in place: publishing replaces hour folders by
    // day files, target by target, and export.json comes last.
    const child = spawn(
      process.execPath,
      [POND_BIN, '--pond', t.pond, 'export', ...args('year,month,day')],
      { stdio: 'ignore' },
    );
    let exited = false;
    child.once('exit', () => (exited = true));
    const firstDay = join(out, 'a', 'year=2024', 'month=1', 'day=1', 'data.parquet');
    while (!existsSync(firstDay) && !exited) await sleep(1);
    child.kill('SIGKILL');
    await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
    expect(existsSync(firstDay), 'the export ended before publishing').toBe(true);
    const pending = (await readdir(out)).filter((e) =>
      e.startsWith(`.pond-export-pending-${child.pid}-`),
    );
    expect(pending).toHaveLength(1);
    // export.json is still the earlier export's, which does not list the day files of 'a'.
    const before = JSON.parse(await readFile(join(out, 'export.json'), 'utf8'));
    expect(before.temporal).toEqual(['year', 'month', 'day', 'hour']);
    // 'c' was not published yet: it still has the hour folders.
    const cDay = join(out, 'c', 'year=2024', 'month=1', 'day=1');
    expect(await readdir(cDay)).toContain('hour=0');
    const list = JSON.parse(await readFile(join(out, pending[0]!), 'utf8')) as {
      files: { path: string }[];
    };
    expect(list.files.map((f) => f.path)).toContain('c/year=2024/month=1/day=1/data.parquet');

    // A file the user put where the killed export meant to publish is not taken for the pond's.
    await writeFile(join(cDay, 'data.parquet'), 'the user’s');
    const untouched = await listing(out);
    for (const extra of [['--dry-run'], []]) {
      const r = await p.run('export', ...args('year,month'), ...extra);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        /holds a file no export wrote, where this export writes \(it would replace or remove it\): c\/year=2024\/month=1\/day=1\/data\.parquet\./,
      );
    }
    expect(await listing(out)).toEqual(untouched);
    await rm(join(cDay, 'data.parquet'));

    // Exported again: it replaces the published day files and the earlier hour files alike.
    const plan = JSON.parse(await p.ok('export', ...args('year,month'), '--dry-run', '--json')) as {
      removed: string[];
      removedTotal: number;
    };
    expect(plan.removed).toContain('a/year=2024/month=1/day=1/data.parquet');
    // Every file of the three targets goes: 'a' by day, 'c' by hour, 'b' as the kill found it.
    const bByDay = existsSync(join(out, 'b', 'year=2024', 'month=1', 'day=1', 'data.parquet'));
    expect(plan.removedTotal).toBe(DAYS + (bByDay ? DAYS : DAYS * 24) + DAYS * 24);
    await p.ok('export', ...args('year,month'));
    const months = ['month=1', 'month=2', 'month=3'].map((m) => `year=2024/${m}/data.parquet`);
    expect(await files(out)).toEqual(
      [
        'export.json',
        'keep.txt',
        'notes/visits.txt',
        ...['a', 'b', 'c'].flatMap((x) => months.map((m) => `${x}/${m}`)),
      ].sort(),
    );
    expect((await readdir(out)).filter((e) => e.startsWith('.'))).toEqual([]);
    expect(await readFile(join(out, 'keep.txt'), 'utf8')).toBe('not ours');
    const meta = JSON.parse(await readFile(join(out, 'export.json'), 'utf8'));
    expect(meta.temporal).toEqual(['year', 'month']);
    expect(meta.kept).toEqual([]);
  });
});
