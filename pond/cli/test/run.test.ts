import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HydroVuStandIn, type StandInDevice } from '../../../bench/hydrovu-stand-in.js';
import { writeText } from './fixtures.js';
import { bound, POND_BIN, runPond, tempDir } from './run-pond.js';

/**
 * `pond run` through the real binary against the HydroVu stand-in: what it prints, what it
 * records in the pond's log, its exit codes for cron, and kill -9 at any moment of a collect.
 */
const T0 = Date.UTC(2024, 0, 1) / 1000;
const NODE = '/system/etc/20-hydrovu';
const ENV = { HV_CLI_ID: 'cli-id', HV_CLI_SECRET: 'cli-secret' };

function device(id: number, name: string, count: number): StandInDevice {
  return {
    id,
    name,
    start: T0,
    stepS: 60,
    count,
    parameters: [
      { parameterId: '1', unitId: '1' },
      { parameterId: '17', unitId: '99' },
    ],
  };
}

function config(url: string, extra = ''): string {
  return `client_id: \${env:HV_CLI_ID}
client_secret: \${env:HV_CLI_SECRET}
max_points_per_run: 100000
hydrovu_path: /hydrovu
base_url: ${url}
retries: 1
retry_delay: 10ms
devices:
  - { name: north, id: 21 }
  - { name: south, id: 22 }
${extra}`;
}

/**
 * A new pond in a temp folder with a hydrovu node /hv (its config from `configOf`) reading a
 * stand-in of two devices, north (600 times) and south (400), two parameters each.
 */
async function collectorPond(
  prefix: string,
  birthplace: string,
  configOf: (url: string) => string,
): Promise<{
  t: Awaited<ReturnType<typeof tempDir>>;
  p: ReturnType<typeof bound>;
  standIn: HydroVuStandIn;
}> {
  const t = await tempDir(prefix);
  const standIn = await HydroVuStandIn.start({
    clientId: ENV.HV_CLI_ID,
    clientSecret: ENV.HV_CLI_SECRET,
    pageTimes: 40,
    devices: [device(21, 'north', 600), device(22, 'south', 400)],
  });
  const p = bound(t.pond);
  await p.ok('init', '--birthplace', birthplace);
  await writeText(join(t.dir, 'hv.yaml'), configOf(standIn.url));
  const mk = await runPond(
    ['--pond', t.pond, 'mknod', 'hydrovu', '/hv', '--config-path', join(t.dir, 'hv.yaml')],
    { env: ENV },
  );
  expect(mk.code, mk.stderr).toBe(0);
  return { t, p, standIn };
}

/** Each device of collectorPond's stand-in has every reading stored once: a row a time, full. */
async function expectEveryReadingOnce(p: ReturnType<typeof bound>): Promise<void> {
  for (const [id, name, count] of [
    [21, 'north', 600],
    [22, 'south', 400],
  ] as const) {
    const out = await p.ok(
      'cat',
      `/hydrovu/devices/${id}/${name}_active.series`,
      '--format',
      'csv',
      '--sql',
      'SELECT count(*) AS n, count(DISTINCT timestamp) AS d, count("Temperature.C") AS t, count("pH.pH") AS ph FROM source',
    );
    expect(out).toBe(`n,d,t,ph\n${count},${count},${count},${count}\n`);
  }
}

describe('pond run', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let standIn: HydroVuStandIn;
  const pond = (...args: string[]) => runPond(['--pond', t.pond, ...args], { env: ENV });

  beforeAll(async () => {
    t = await tempDir('pond-run-');
    standIn = await HydroVuStandIn.start({
      clientId: ENV.HV_CLI_ID,
      clientSecret: ENV.HV_CLI_SECRET,
      pageTimes: 100,
      devices: [device(21, 'north', 250), device(22, 'south', 120)],
    });
    await bound(t.pond).ok('init', '--birthplace', 'cli');
    await writeText(join(t.dir, 'hv.yaml'), config(standIn.url));
    await bound(t.pond).ok('mkdir', '-p', '/system/etc');
    const made = await pond('mknod', 'hydrovu', NODE, '--config-path', join(t.dir, 'hv.yaml'));
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toBe(''); // secrets come from the environment: nothing to warn about
  });
  afterAll(async () => {
    await standIn.close();
    await t.cleanup();
  });
  afterEach(() => {
    standIn.faults.length = 0;
  });

  it('collects, prints what it added, and its transaction names the node and the command', async () => {
    const r = await pond('run', NODE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^\/system\/etc\/20-hydrovu collect: 370 rows from 2 of 2 devices \(740 readings fetched\) \(transaction (\d+)\)\n/,
    );
    expect(r.stdout).toContain('  /hydrovu/devices/21/north_active.series  v1  +250 rows\n');
    const log = await pond('log', '--limit', '1');
    expect(log.stdout).toContain(`  run ${NODE} collect\n`);
    expect(log.stdout).toMatch(/created +series +\/hydrovu\/devices\/22\/south_active\.series/);
  });

  it('finding nothing new commits nothing and exits 0', async () => {
    const before = await pond('log', '--limit', '1');
    const r = await pond('run', NODE, 'collect');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${NODE} collect: nothing new from 2 devices (no transaction)\n`);
    expect((await pond('log', '--limit', '1')).stdout).toBe(before.stdout);
  });

  it('exits 3 when a device failed and the others were written, naming it on stderr', async () => {
    standIn.options.devices[0]!.count = 300;
    standIn.options.devices[1]!.count = 150;
    standIn.faults.push({ status: 500 }, { status: 500 }); // north's request and its one retry
    const r = await pond('run', NODE);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /30 rows from 1 of 2 devices \(60 readings fetched\); 1 failed \(transaction \d+\)/,
    );
    expect(r.stderr).toMatch(
      /pond: \/system\/etc\/20-hydrovu: device 'north' \(21\): HydroVu did not answer/,
    );
    const again = await pond('run', NODE);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('/hydrovu/devices/21/north_active.series  v2  +50 rows');
  });

  it('exits 75 when every device kept failing (nothing written), not 3', async () => {
    standIn.options.devices[0]!.count += 10;
    standIn.options.devices[1]!.count += 10;
    // Each device's request and its one retry.
    standIn.faults.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const before = await pond('log', '--limit', '1');
    const r = await pond('run', NODE);
    expect(r.code).toBe(75);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^pond: every device failed, nothing was written: device 'north' \(21\): HydroVu did not answer.*; device 'south' \(22\): HydroVu did not answer/,
    );
    expect((await pond('log', '--limit', '1')).stdout).toBe(before.stdout);
    expect((await pond('run', NODE)).code).toBe(0);
  });

  it('exits 75 when HydroVu cannot be reached, 2 for an unknown command, 1 for a missing secret', async () => {
    const down = join(t.dir, 'down.yaml');
    await writeText(down, config('http://127.0.0.1:9').replace('/hydrovu\n', '/down\n'));
    const mk = await pond('mknod', 'hydrovu', '/system/etc/down', '--config-path', down);
    expect(mk.code, mk.stderr).toBe(0);
    const r = await pond('run', '/system/etc/down');
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(
      /^pond: HydroVu did not give a token after 2 attempts \(last: cannot reach/,
    );

    const bad = await pond('run', NODE, 'fetch');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "pond: hydrovu has no command 'fetch' (commands: collect, archive, locations)\n",
    );

    const noEnv = await runPond(['--pond', t.pond, 'run', NODE], { env: { HV_CLI_ID: 'x' } });
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toMatch(/environment variable HV_CLI_SECRET is not set/);

    const notRunnable = await pond('run', '/hydrovu');
    expect(notRunnable.code).toBe(1);
    expect(notRunnable.stderr).toMatch(/'\/hydrovu' is a stored directory, not a factory node/);
  });

  it('describe and cat show a literal secret redacted; mknod warns that it is stored', async () => {
    const lit = join(t.dir, 'literal.yaml');
    await writeText(
      lit,
      config(standIn.url)
        .replace('${env:HV_CLI_SECRET}', 'plain-text-secret')
        .replace('/hydrovu\n', '/lit\n'),
    );
    const mk = await pond('mknod', 'hydrovu', '/system/etc/lit', '--config-path', lit);
    expect(mk.code).toBe(0);
    expect(mk.stderr).toMatch(
      /warning: \/system\/etc\/lit: client_secret is stored in the pond as written/,
    );
    const d = await pond('describe', '/system/etc/lit');
    expect(d.stdout).toContain('client_secret: "[REDACTED]"');
    expect(d.stdout).toContain('client_id: ${env:HV_CLI_ID}');
    expect(d.stdout).not.toContain('plain-text-secret');
    const c = await pond('cat', '/system/etc/lit');
    expect(c.stdout).not.toContain('plain-text-secret');
    // The run uses the stored secret (which the stand-in does not know).
    const r = await pond('run', '/system/etc/lit');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused the client credentials \(HTTP 401\)/);
  });
});

describe('pond run beside maintain', () => {
  it('a collect with maintain running over and over beside it stores every reading once', async () => {
    const { t, p, standIn } = await collectorPond('pond-run-maintain-', 'maintain', config);
    try {
      // Slow pages keep the collect running while maintain compacts, checkpoints and cleans.
      standIn.pageDelayMs = 30;
      const collect = runPond(['--pond', t.pond, 'run', '/hv'], { env: ENV });
      let done = false;
      void collect.finally(() => (done = true));
      let maintains = 0;
      while (!done) {
        const m = await p.run('maintain');
        expect(m.code, m.stdout + m.stderr).toBe(0);
        maintains++;
      }
      const r = await collect;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1000 rows from 2 of 2 devices/);
      expect(maintains).toBeGreaterThan(1);
      // Once more beside maintain: nothing new, nothing written.
      standIn.pageDelayMs = 0;
      const [again, m] = await Promise.all([
        runPond(['--pond', t.pond, 'run', '/hv'], { env: ENV }),
        p.run('maintain'),
      ]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/nothing new/);
      expect(m.code, m.stderr).toBe(0);
      await expectEveryReadingOnce(p);
      const f = await p.run('fsck');
      expect(f.code, f.stdout + f.stderr).toBe(0);
      const left = await readdir(t.pond, { recursive: true });
      expect(left.filter((x) => /_staging\/.|\.tmp$/.test(x))).toEqual([]);
      console.log(`${maintains} maintains beside the collect`);
    } finally {
      await standIn.close();
      await t.cleanup();
    }
  }, 120_000);
});

describe('pond run killed at any moment', () => {
  it('a collect killed by SIGKILL and run again stores every reading once', async () => {
    const { t, p, standIn } = await collectorPond('pond-run-kill-', 'kill', (url) =>
      config(url).replace('max_points_per_run: 100000', 'max_points_per_run: 400'),
    );
    try {
      standIn.pageDelayMs = 25;
      let kills = 0;
      let finished = 0;
      for (let i = 0; i < 40 && finished < 6; i++) {
        const child = spawn(process.execPath, [POND_BIN, '--pond', t.pond, 'run', '/hv'], {
          env: { ...process.env, ...ENV },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 150 + ((i * 137) % 900));
        const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
        clearTimeout(timer);
        if (code === null) kills++;
        else {
          expect(code).toBe(0);
          finished++;
        }
        const f = await p.run('fsck');
        expect(f.code, f.stdout + f.stderr).toBe(0);
      }
      expect(kills).toBeGreaterThan(3);
      standIn.pageDelayMs = 0;
      for (let i = 0; i < 10; i++) {
        const r = await runPond(['--pond', t.pond, 'run', '/hv'], { env: ENV });
        expect(r.code, r.stderr).toBe(0);
        if (r.stdout.includes('nothing new')) break;
      }
      await expectEveryReadingOnce(p);
      // A killed run's staged files wait in its staging folder (fsck names them) until
      // maintain removes them: then nothing is left but the pond's own files.
      await p.ok('maintain');
      const left = await readdir(t.pond, { recursive: true });
      expect(left.filter((f) => /_staging\/.|\.tmp$/.test(f))).toEqual([]);
      console.log(`${kills} kills`);
    } finally {
      await standIn.close();
      await t.cleanup();
    }
  }, 240_000);
});

describe('pond run overlapping itself', () => {
  it('three collects at once on a node whose series do not exist yet all exit 0, storing every reading once', async () => {
    const { t, p, standIn } = await collectorPond('pond-run-overlap-', 'overlap', config);
    try {
      // Slow pages: each run is still fetching when another commits.
      standIn.pageDelayMs = 15;
      const runs = await Promise.all(
        [0, 1, 2].map((i) =>
          new Promise((r) => setTimeout(r, i * 120)).then(() =>
            runPond(['--pond', t.pond, 'run', '/hv'], { env: ENV }),
          ),
        ),
      );
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      expect(runs.filter((r) => r.stdout.includes('nothing new')).length).toBeGreaterThan(0);
      await expectEveryReadingOnce(p);
      expect((await p.run('fsck')).code).toBe(0);
    } finally {
      await standIn.close();
      await t.cleanup();
    }
  }, 120_000);
});

describe('pond run logfile-ingest', () => {
  it('sha256sum prints only the checksums, which sha256sum --check --strict accepts; a vanished log exits 1', async () => {
    const t = await tempDir('pond-run-logs-');
    try {
      const p = bound(t.pond);
      await p.ok('init', '--birthplace', 'logs');
      const logs = join(t.dir, 'logs');
      await mkdir(logs);
      await writeText(join(logs, 'app.log.1'), 'old line\n');
      await writeText(join(logs, 'app.log'), 'first line\nsecond line\n');
      await writeText(
        join(t.dir, 'logs.yaml'),
        `archived_pattern: ${logs}/app.log.*\nactive_pattern: ${logs}/app.log\npond_path: /logs/app\n`,
      );
      await p.ok('mknod', 'logfile-ingest', '/lg', '--config-path', join(t.dir, 'logs.yaml'));
      expect(await p.ok('run', '/lg')).toMatch(/^\/lg ingest: 32 bytes into 2 files/);
      const sums = await p.ok('run', '/lg', 'sha256sum');
      expect(sums).toMatch(/^[0-9a-f]{64} {2}app\.log\n[0-9a-f]{64} {2}app\.log\.1\n$/);
      await writeText(join(t.dir, 'sums.txt'), sums);
      const check = spawnSync('sha256sum', ['--check', '--strict', join(t.dir, 'sums.txt')], {
        cwd: logs,
        encoding: 'utf8',
      });
      expect(check.status, check.stdout + check.stderr).toBe(0);

      await rm(join(logs, 'app.log'));
      const gone = await p.run('run', '/lg');
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/^pond: active file .*app\.log is gone from the host/);
    } finally {
      await t.cleanup();
    }
  });
});
