import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import {
  expectedValue,
  HydroVuStandIn,
  type StandInDevice,
  type StandInOptions,
} from '../../../bench/hydrovu-stand-in.js';
import { literal } from '../../duckdb/sql.js';
import { history } from '../../service/history.js';
import { BlobStore } from '../../tlogfs/blob-store.js';
import { fsck } from '../../tlogfs/fsck.js';
import type { Pond } from '../../tlogfs/pond.js';
import { mknod, newPond, rowsOf, run, stagedFiles, testJob } from './run-helpers.js';

/**
 * The hydrovu collector against a local stand-in of the HydroVu API (bench/hydrovu-stand-in.ts):
 * real HTTP on 127.0.0.1, a real pond, real DuckDB. Every stored reading is checked against the
 * value the stand-in serves, so a duplicate or a missing reading fails the test.
 */
const T0 = Date.UTC(2024, 0, 1) / 1000;
const NODE = '/system/etc/20-hydrovu';

function device(id: number, name: string, count: number, extra: Partial<StandInDevice> = {}) {
  return {
    id,
    name,
    start: T0,
    stepS: 60,
    count,
    parameters: [
      { parameterId: '1', unitId: '1' },
      { parameterId: '2', unitId: '17' },
    ],
    ...extra,
  } satisfies StandInDevice;
}

function config(url: string, more = ''): string {
  return `client_id: \${env:HV_TEST_ID}
client_secret: \${env:HV_TEST_SECRET}
max_points_per_run: 100000
hydrovu_path: /hydrovu
base_url: ${url}
retry_delay: 10ms
devices:
  - { name: north, id: 11 }
  - { name: south, id: 12 }
  - { name: lake, id: 13 }
${more}`;
}

/** Checks a device's series holds exactly readings [0, count) of the stand-in, once each. */
async function expectComplete(pond: Pond, id: number, name: string, count: number): Promise<void> {
  const path = `/hydrovu/devices/${id}/${name}_active.series`;
  const r = await rowsOf(
    pond,
    path,
    `SELECT count(*)::DOUBLE AS n, count(DISTINCT timestamp)::DOUBLE AS d,
            epoch(min(timestamp))::DOUBLE AS lo, epoch(max(timestamp))::DOUBLE AS hi,
            sum("Temperature.C") AS t FROM source`,
  );
  const want = Array.from({ length: count }, (_, i) => expectedValue(id, '1', T0 + i * 60));
  expect(r[0]).toMatchObject({ n: count, d: count, lo: T0, hi: T0 + (count - 1) * 60 });
  expect(r[0]!['t'] as number).toBeCloseTo(
    want.reduce((a, b) => a + b, 0),
    3,
  );
}

describe('hydrovu collect against the stand-in API', () => {
  let standIn: HydroVuStandIn;
  let pond: Pond;
  let done: () => Promise<void>;
  const options = (over: Partial<StandInOptions> = {}): StandInOptions => ({
    clientId: 'id-1',
    clientSecret: 's3cret',
    pageTimes: 100,
    devices: [device(11, 'north', 450), device(12, 'south', 320), device(13, 'lake', 5)],
    ...over,
  });

  beforeEach(async () => {
    process.env['HV_TEST_ID'] = 'id-1';
    process.env['HV_TEST_SECRET'] = 's3cret';
    ({ pond, done } = await newPond('hydrovu-'));
  });
  afterEach(async () => {
    await standIn?.close();
    await done();
  });

  it('collects every device, paged, in one transaction; a second run finds nothing new', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const first = await run(pond, NODE);
    expect(first.record.state).toBe('added');
    expect(first.record.added.map((a) => [a.path, a.rows, a.version])).toEqual([
      ['/hydrovu/devices/11/north_active.series', 450, 1],
      ['/hydrovu/devices/12/south_active.series', 320, 1],
      ['/hydrovu/devices/13/lake_active.series', 5, 1],
    ]);
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
    // Paged: 450 times at 100 per page.
    expect(standIn.requests.filter((r) => r.path.endsWith('/11/data')).length).toBe(5);
    const [txn] = await history(pond, { limit: 1 });
    expect(txn!.seq).toBe(first.record.txn);
    expect(txn!.command).toEqual(['run', NODE, 'collect']);

    const seq = pond.lastSeq;
    const again = await run(pond, NODE);
    expect(again.record).toMatchObject({ state: 'nothing-new', added: [] });
    expect(again.record.txn).toBeUndefined();
    expect(pond.lastSeq).toBe(seq);

    // New readings arrive: only they are fetched and stored, as version 2.
    standIn.options.devices[0]!.count = 600;
    const third = await run(pond, NODE);
    expect(third.record.added).toEqual([
      { path: '/hydrovu/devices/11/north_active.series', rows: 150, version: 2 },
    ]);
    await expectComplete(pond, 11, 'north', 600);
  });

  it('pretty-printed pages (line breaks between tokens) read the same', async () => {
    standIn = await HydroVuStandIn.start(options());
    standIn.pretty = true;
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    expect((await run(pond, NODE)).record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a page of over 32 MB reads whole', async () => {
    // One page of 220,000 times, pretty-printed: over 32 MB, more than the page memory starts with
    // and more than DuckDB's JSON reader takes by default.
    standIn = await HydroVuStandIn.start(
      options({
        pageTimes: 220_000,
        devices: [device(11, 'north', 220_000), device(12, 'south', 3), device(13, 'lake', 3)],
      }),
    );
    standIn.pretty = true;
    const sizes: number[] = [];
    standIn.rewritePage = (body, _offset, id) => (id === 11 && sizes.push(body.length), body);
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const r = await run(pond, NODE);
    expect(sizes).toHaveLength(1);
    expect(sizes[0]).toBeGreaterThan(32 << 20);
    expect(r.record.failures).toEqual([]);
    await expectComplete(pond, 11, 'north', 220_000);
  });

  it('columns are {parameter}.{unit} from the API names, sorted, with a TIMESTAMPTZ timestamp', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    await run(pond, NODE);
    const cols = await pond.read(async (txn) =>
      txn.session.all(
        `DESCRIBE SELECT * FROM read_parquet(${literal(
          (
            await (
              await (await txn.wd()).getFile('/hydrovu/devices/11/north_active.series')
            ).versions()
          )[0]!.blobPath!,
        )})`,
      ),
    );
    expect(cols.map((c) => [c['column_name'], c['column_type']])).toEqual([
      ['timestamp', 'TIMESTAMP WITH TIME ZONE'],
      ['Specific Conductivity.uS/cm', 'DOUBLE'],
      ['Temperature.C', 'DOUBLE'],
    ]);
  });

  it('max_points_per_run splits a backlog across runs with no reading lost or doubled', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(
      pond,
      'hydrovu',
      NODE,
      config(standIn.url).replace('max_points_per_run: 100000', 'max_points_per_run: 250'),
    );
    // 2 parameters x 100 times = 200 readings a page: a run stops after its second page.
    let runs = 0;
    for (;;) {
      const r = await run(pond, NODE);
      runs++;
      if (r.record.state === 'nothing-new') break;
      expect(runs).toBeLessThan(20);
    }
    expect(runs).toBeGreaterThan(3);
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
    await expectComplete(pond, 13, 'lake', 5);
  });

  it('a run stopped at its limit leaves a time split across pages whole for the next run', async () => {
    // 3 readings a page: the two parameters of one time often straddle a page.
    standIn = await HydroVuStandIn.start(
      options({ pagePoints: 3, devices: [device(12, 'south', 60)] }),
    );
    await mknod(
      pond,
      'hydrovu',
      NODE,
      config(standIn.url)
        .replace('max_points_per_run: 100000', 'max_points_per_run: 7')
        .replace(/ {2}- \{ name: (north|lake).*\n/g, ''),
    );
    for (let runs = 0; (await run(pond, NODE)).record.state !== 'nothing-new'; runs++)
      expect(runs).toBeLessThan(200);
    const r = await rowsOf(
      pond,
      '/hydrovu/devices/12/south_active.series',
      `SELECT count(*)::DOUBLE AS n, count("Temperature.C")::DOUBLE AS t,
              count("Specific Conductivity.uS/cm")::DOUBLE AS sc FROM source`,
    );
    expect(r[0]).toEqual({ n: 60, t: 60, sc: 60 });
    await expectComplete(pond, 12, 'south', 60);
  });

  it('an expired token is renewed mid-run', async () => {
    standIn = await HydroVuStandIn.start(options());
    standIn.expireTokenAfter = 2;
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const job = testJob();
    const r = await run(pond, NODE, 'collect', job);
    expect(r.record.state).toBe('added');
    expect(standIn.tokensIssued).toBeGreaterThan(2);
    expect(job.lines.some((l) => /token was refused/.test(l))).toBe(true);
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('429 and 5xx are retried with backoff; Retry-After is honoured', async () => {
    standIn = await HydroVuStandIn.start(options());
    standIn.faults.push(
      { status: 429, retryAfter: '0' },
      { status: 503 },
      { status: 500 },
      { status: 502 },
    );
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const job = testJob();
    const r = await run(pond, NODE, 'collect', job);
    expect(r.record.state).toBe('added');
    expect(job.lines.filter((l) => /retry \d of 5/.test(l))).toHaveLength(4);
    await expectComplete(pond, 11, 'north', 450);
  });

  it('a device that keeps failing is named; the others are written (partial), and the next run completes it', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(
      pond,
      'hydrovu',
      NODE,
      config(standIn.url).replace('retry_delay: 10ms', 'retry_delay: 10ms\nretries: 2'),
    );
    // The first device's first request and its two retries fail.
    standIn.faults.push({ status: 503 }, { status: 503 }, { status: 503 });
    const first = await run(pond, NODE);
    expect(first.record.state).toBe('partial');
    expect(first.record.failures).toHaveLength(1);
    expect(first.record.failures[0]).toMatch(/device 'north' \(11\).*3 attempts.*HTTP 503/);
    expect(first.record.added.map((a) => a.path)).toEqual([
      '/hydrovu/devices/12/south_active.series',
      '/hydrovu/devices/13/lake_active.series',
    ]);
    const second = await run(pond, NODE);
    expect(second.record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a changed parameter set becomes new columns, never a failed run', async () => {
    const changing = device(11, 'north', 300, {
      changeAt: {
        time: T0 + 200 * 60,
        parameters: [
          { parameterId: '1', unitId: '1' },
          { parameterId: '20', unitId: '35' },
        ],
      },
    });
    standIn = await HydroVuStandIn.start(options({ devices: [{ ...changing, count: 150 }] }));
    await mknod(
      pond,
      'hydrovu',
      NODE,
      config(standIn.url).replace(/  - \{ name: (south|lake).*\n/g, ''),
    );
    expect((await run(pond, NODE)).record.state).toBe('added');
    standIn.options.devices[0]!.count = 300; // 50 more with the old set, then 100 with the new
    const second = await run(pond, NODE);
    expect(second.record.state).toBe('added');
    const path = '/hydrovu/devices/11/north_active.series';
    const r = await rowsOf(
      pond,
      path,
      `SELECT count(*)::DOUBLE AS n, count("Specific Conductivity.uS/cm")::DOUBLE AS sc,
              count("Depth.m")::DOUBLE AS depth, count("Temperature.C")::DOUBLE AS t FROM source`,
    );
    expect(r[0]).toEqual({ n: 300, sc: 200, depth: 100, t: 300 });
    // A third run with only the new set writes the old column as empty, not refused.
    standIn.options.devices[0]!.count = 320;
    const third = await run(pond, NODE, 'collect');
    expect(third.record.state).toBe('added');
    expect(third.record.log.some((l) => /no readings of Specific Conductivity/.test(l))).toBe(true);
    // A fourth whose page sends a reading twice goes through DuckDB's exact pass: it pads the
    // same, and keeps the repeat once.
    standIn.options.devices[0]!.count = 340;
    let repeated = 0;
    standIn.rewritePage = (body) =>
      body.replace(/"readings":\[(\{[^}]*\}),/, (_, first: string) => {
        repeated++;
        return `"readings":[${first},${first},`;
      });
    const fourth = await run(pond, NODE, 'collect');
    expect(fourth.record.state).toBe('added');
    expect(repeated).toBe(1);
    expect(fourth.record.added).toEqual([{ path, rows: 20, version: 4 }]);
    const all = await rowsOf(
      pond,
      path,
      `SELECT count(*)::DOUBLE AS n, count(DISTINCT "timestamp")::DOUBLE AS d,
              count("Specific Conductivity.uS/cm")::DOUBLE AS sc, count("Depth.m")::DOUBLE AS depth,
              count("Temperature.C")::DOUBLE AS t FROM source`,
    );
    expect(all[0]).toEqual({ n: 340, d: 340, sc: 200, depth: 140, t: 340 });
  });

  it('a stored column of another type is refused for that device, naming both types', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    // Someone stored north's series with Temperature.C as text.
    const file = await new BlobStore(pond.layout.blobs).tempPath('.parquet');
    await pond.session.run(
      `COPY (SELECT TIMESTAMPTZ '2023-01-01 00:00:00+00' AS timestamp, 'warm' AS "Temperature.C") TO ${literal(file)} (FORMAT parquet)`,
    );
    await pond.write({ command: ['seed'] }, async (txn) => {
      const wd = await txn.wd();
      await wd.mkdir('/hydrovu/devices/11', { parents: true });
      await wd.writeFile('/hydrovu/devices/11/north_active.series', 'series', {
        hostPath: file,
        timestampColumn: 'timestamp',
        minEventTimeUs: Date.UTC(2023, 0, 1) * 1000,
        maxEventTimeUs: Date.UTC(2023, 0, 1) * 1000,
      });
    });
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('partial');
    expect(r.record.failures[0]).toMatch(
      /north.*'Temperature\.C' is stored as VARCHAR and would be DOUBLE/,
    );
    expect(r.record.added.map((a) => a.path)).not.toContain(
      '/hydrovu/devices/11/north_active.series',
    );
  });

  it('a page that does not read as documented fails its device, naming why, and writes nothing of it', async () => {
    const first = `"timestamp":${T0}`;
    const cases: [string, (body: string, offset: number) => string, RegExp][] = [
      [
        'another location',
        (b) => b.replace('"locationId":11', '"locationId":99'),
        /readings of location 99/,
      ],
      [
        'a fractional time',
        (b) => b.replace(first, `"timestamp":${T0}.5`),
        /a timestamp is not whole unix seconds/,
      ],
      [
        'two values for one parameter and time',
        (b, offset) =>
          offset === 200 ? b.replace(/"readings":\[/, `"readings":[{${first},"value":-1},`) : b,
        /two different values of Temperature\.C for 2024-01-01 00:00:00\+00/,
      ],
      [
        'a parameter with no parameterId',
        (b) => b.replace('"parameterId":"1",', ''),
        /page 1: HydroVu's readings do not read: a parameter has no parameterId \(byte \d+ of \d+\)/,
      ],
      [
        'a reading with no timestamp',
        (b, offset) => (offset === 200 ? b.replace(/"timestamp":\d+,/, '') : b),
        /^device 'north' \(11\): page \d+: HydroVu's readings do not read: a reading has no timestamp \(byte \d+ of \d+\); nothing was written for it$/,
      ],
      [
        'a value that is text',
        (b) => b.replace(/"value":([-\d.]+)/, '"value":"$1"'),
        /a value is not a number/,
      ],
      ['text after the page', (b) => `${b} {}`, /more text after the page/],
      [
        'a time that would store as another instant',
        (b) => b.replace(first, '"timestamp":1e300'),
        /a timestamp \(1e\+300\) is outside the years 1685 to 2255/,
      ],
      ['not JSON', (b, offset) => (offset === 200 ? b.slice(0, 50) : b), /do not read/],
    ];
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    for (const [what, rewrite, why] of cases) {
      standIn.rewritePage = (body, offset, id) => (id === 11 ? rewrite(body, offset) : body);
      const r = await run(pond, NODE);
      expect(r.record.state, what).toBe('partial');
      expect(r.record.failures, what).toHaveLength(1);
      expect(r.record.failures[0], what).toMatch(/^device 'north' \(11\): /);
      expect(r.record.failures[0], what).toMatch(why);
      expect(r.record.added.map((a) => a.path)).not.toContain(
        '/hydrovu/devices/11/north_active.series',
      );
      // Undo the others' writes, so every case starts from nothing stored.
      await pond.write({ command: ['reset'] }, async (txn) => {
        const wd = await txn.wd();
        for (const d of ['12/south', '13/lake']) {
          const dir = await wd.getDirectory(`/hydrovu/devices/${d.split('/')[0]}`);
          await dir.remove!(`${d.split('/')[1]}_active.series`);
        }
      });
    }
  });

  it('keys written with escapes, and keys the API does not document, read as JSON means them', async () => {
    standIn = await HydroVuStandIn.start(options());
    // "parameter\u0049d" is "parameterId"; unknown keys hold any JSON, nested.
    standIn.rewritePage = (body) =>
      body
        .replaceAll('"parameterId"', '"parameter\\u0049d"')
        .replaceAll('"unitId"', '"unit\\u0049d"')
        .replace('"locationId"', '"extra":{"a":[1,-2.5e3,true,null,"x\\"y"],"b":{}},"locationId"')
        .replaceAll('"readings":[', '"note":"\\u00e9t\\u00e9","readings":[');
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    expect((await run(pond, NODE)).record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a reading sent twice with the same value, or with no value, is stored once (the exact pass)', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const first = `"timestamp":${T0}`;
    const again = `{${first},"value":${expectedValue(11, '1', T0)}}`;
    // North's third page repeats its first Temperature reading, and adds one with a null value.
    standIn.rewritePage = (body, offset, id) =>
      id === 11 && offset === 200
        ? body.replace(/"readings":\[/, `"readings":[${again},{${first},"value":null},`)
        : body;
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a device HydroVu refuses (403) fails alone, named; the others are written', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    // The account may not read north's location: no retry, no new token, only north fails.
    standIn.faults.push({ status: 403 });
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('partial');
    expect(r.record.failures).toHaveLength(1);
    expect(r.record.failures[0]).toMatch(
      /^device 'north' \(11\): HydroVu refused .*\(HTTP 403\): these credentials may not read it/,
    );
    expect(r.record.added.map((a) => a.path)).toEqual([
      '/hydrovu/devices/12/south_active.series',
      '/hydrovu/devices/13/lake_active.series',
    ]);
    expect(standIn.requests.filter((q) => q.status === 403)).toHaveLength(1);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('refused credentials fail the run and write nothing', async () => {
    standIn = await HydroVuStandIn.start(options({ clientSecret: 'other' }));
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.BadConfig)).toBe(true);
    expect((e as Error).message).toMatch(/refused the client credentials \(HTTP 401\)/);
    expect(pond.lastSeq).toBe(seq);
  });

  it('a page cut off midway fails its device, named, with no temp file; pages larger and smaller than the last are read whole', async () => {
    // north's pages hold 10,000 readings (about 400 KB, more than the page memory starts with),
    // then 4,000: each page is read whole into the memory the pages before it used.
    standIn = await HydroVuStandIn.start(
      options({
        pageTimes: 5000,
        devices: [device(11, 'north', 12000), device(12, 'south', 320), device(13, 'lake', 5)],
      }),
    );
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    standIn.cutNextPageAfter = 1000;
    const first = await run(pond, NODE);
    expect(first.record.state).toBe('partial');
    expect(first.record.failures).toHaveLength(1);
    expect(first.record.failures[0]).toMatch(
      /device 'north' \(11\): the answer for the readings of location 11 broke off/,
    );
    expect(first.record.added.map((a) => a.path)).toEqual([
      '/hydrovu/devices/12/south_active.series',
      '/hydrovu/devices/13/lake_active.series',
    ]);
    expect(await stagedFiles(pond)).toEqual([]);
    const second = await run(pond, NODE);
    expect(second.record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 12000);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a cancel midway writes nothing and leaves no temp file', async () => {
    standIn = await HydroVuStandIn.start(options());
    standIn.pageDelayMs = 100;
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const seq = pond.lastSeq;
    const job = testJob();
    const running = run(pond, NODE, 'collect', job);
    await new Promise((r) => setTimeout(r, 450));
    job.cancel();
    const e = await running.catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.Cancelled)).toBe(true);
    expect(pond.lastSeq).toBe(seq);
    expect(await stagedFiles(pond)).toEqual([]);
  });

  it('two runs at once store every reading once', async () => {
    standIn = await HydroVuStandIn.start(options());
    standIn.pageDelayMs = 20;
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const both = await Promise.all([run(pond, NODE), run(pond, NODE)]);
    expect(both.map((b) => b.record.state).sort()).toEqual(['added', 'nothing-new']);
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('readings another run stored since this one looked are left out of its version, which is stored whole and hashed right', async () => {
    // Two collectors of the same devices into the same series: a slow one looks first, a fast one
    // stores the older readings meanwhile, and the slow one's version keeps only the newer ones
    // (its file rewritten after it was hashed: fsck checks every blob against its hash).
    standIn = await HydroVuStandIn.start(options());
    standIn.pageDelayMs = 40;
    const fast = await HydroVuStandIn.start(
      options({
        devices: [device(11, 'north', 300), device(12, 'south', 320), device(13, 'lake', 5)],
      }),
    );
    try {
      await mknod(pond, 'hydrovu', NODE, config(standIn.url));
      await mknod(pond, 'hydrovu', `${NODE}-fast`, config(fast.url));
      const slow = run(pond, NODE);
      while (!standIn.requests.some((r) => r.path.endsWith('/data')))
        await new Promise((r) => setTimeout(r, 5));
      expect((await run(pond, `${NODE}-fast`)).record.state).toBe('added');
      expect((await slow).record.added).toEqual([
        { path: '/hydrovu/devices/11/north_active.series', rows: 150, version: 2 },
      ]);
    } finally {
      await fast.close();
    }
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
    expect((await fsck(pond)).problems).toEqual([]);
  });

  it('archive compacts the active series into a dated one-version archive; collect resumes after it', async () => {
    standIn = await HydroVuStandIn.start(options());
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    await run(pond, NODE);
    standIn.options.devices[0]!.count = 500;
    await run(pond, NODE); // north has two versions now
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const archived = `/hydrovu/devices/11/north_archive_${day}.series`;
    const r = await run(pond, NODE, 'archive', testJob(), ['north']);
    expect(r.record.state).toBe('added');
    expect(r.record.added).toEqual([{ path: archived, rows: 500, version: 1 }]);
    expect(r.output).toBe(`pond copy '${archived}' host:///DEST${archived}\n`);
    const gone = await pond.read(
      async (txn) =>
        (await (await txn.wd()).lookup('/hydrovu/devices/11/north_active.series')).found,
    );
    expect(gone).toBe(false);
    const [txn] = await history(pond, { limit: 1 });
    expect(txn!.command).toEqual(['run', NODE, 'archive', 'north']);
    // The next collect starts a new active series with only the newer readings.
    standIn.options.devices[0]!.count = 530;
    const next = await run(pond, NODE);
    expect(next.record.added).toEqual([
      { path: '/hydrovu/devices/11/north_active.series', rows: 30, version: 1 },
    ]);
    // Archiving again today skips the device; an unknown device is refused.
    const again = await run(pond, NODE, 'archive', testJob(), ['north']);
    expect(again.record).toMatchObject({ state: 'nothing-new' });
    expect(again.record.summary).toMatch(/exists already/);
    const bad = await run(pond, NODE, 'archive', testJob(), ['nobody']).catch((e: unknown) => e);
    expect(isPondError(bad, ErrorCode.InvalidArgument)).toBe(true);
  });

  it('locations lists what the credentials read, marking configured devices', async () => {
    standIn = await HydroVuStandIn.start(
      options({ devices: [device(11, 'north', 1), device(12, 'south', 1), device(99, 'x', 1)] }),
    );
    await mknod(pond, 'hydrovu', NODE, config(standIn.url));
    const seq = pond.lastSeq;
    const r = await run(pond, NODE, 'locations');
    expect(r.output).toMatch(/11 {2}north \(stand-in device north\) {2}\[device north\]/);
    expect(r.output).toMatch(/99 {2}x \(stand-in device x\)\n/);
    expect(pond.lastSeq).toBe(seq);
  });
});
