import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import {
  expectedValue,
  HydroVuStandIn,
  type StandInDevice,
} from '../../../bench/hydrovu-stand-in.js';
import type { Pond } from '../../tlogfs/pond.js';
import { mknod, newPond, rowsOf, run, stagedFiles } from './run-helpers.js';

/**
 * The hydrovu collector against a stand-in that lies: page tokens that repeat, readings out of
 * order or older than what is stored, bodies that are not JSON, a token endpoint without a
 * token, a device that vanishes. Whatever HydroVu sends, a run ends (no endless paging), stores
 * each reading once, and names what it refused.
 */
const T0 = Date.UTC(2024, 0, 1) / 1000;
const NODE = '/system/etc/20-hydrovu';

function device(id: number, name: string, count: number): StandInDevice {
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
  };
}

const CONFIG = (url: string, devices = '[{ name: north, id: 11 }, { name: south, id: 12 }]') =>
  `client_id: \${env:HV_LIES_ID}
client_secret: \${env:HV_LIES_SECRET}
max_points_per_run: 100000
hydrovu_path: /hydrovu
base_url: ${url}
retries: 1
retry_delay: 10ms
devices: ${devices}
`;

/** The device's series holds readings [0, count) of the stand-in, each once, with its value. */
async function expectComplete(pond: Pond, id: number, name: string, count: number) {
  const r = await rowsOf(
    pond,
    `/hydrovu/devices/${id}/${name}_active.series`,
    `SELECT count(*)::DOUBLE AS n, count(DISTINCT timestamp)::DOUBLE AS d,
            epoch(min(timestamp))::DOUBLE AS lo, sum("Temperature.C") AS t FROM source`,
  );
  let want = 0;
  for (let i = 0; i < count; i++) want += expectedValue(id, '1', T0 + i * 60);
  expect(r[0]).toMatchObject({ n: count, d: count, lo: T0 });
  expect(r[0]!['t'] as number).toBeCloseTo(want, 3);
}

describe('hydrovu collect when HydroVu lies', () => {
  let standIn: HydroVuStandIn;
  let pond: Pond;
  let done: () => Promise<void>;

  beforeEach(async () => {
    process.env['HV_LIES_ID'] = 'id-1';
    process.env['HV_LIES_SECRET'] = 's3cret';
    ({ pond, done } = await newPond('hydrovu-lies-'));
    standIn = await HydroVuStandIn.start({
      clientId: 'id-1',
      clientSecret: 's3cret',
      pageTimes: 100,
      devices: [device(11, 'north', 450), device(12, 'south', 320)],
    });
    await mknod(pond, 'hydrovu', NODE, CONFIG(standIn.url));
  });
  afterEach(async () => {
    await standIn.close();
    await done();
  });

  it('a next-page token that repeats fails its device instead of paging forever', async () => {
    // North's second page names itself as the next one, again and again.
    standIn.rewriteNext = (next, offset, id) => (id === 11 && offset === 200 ? '200' : next);
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('partial');
    expect(r.record.failures).toEqual([
      expect.stringMatching(/^device 'north' \(11\): HydroVu sent the next-page token '200' again/),
    ]);
    expect(standIn.requests.filter((q) => q.path.endsWith('/11/data')).length).toBeLessThan(10);
    expect(r.record.added.map((a) => a.path)).toEqual(['/hydrovu/devices/12/south_active.series']);
    expect(await stagedFiles(pond)).toEqual([]);
  });

  it('an empty next-page header is the last page, not a request for the first one again', async () => {
    standIn.rewriteNext = (next) => next ?? '';
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
    // North's 450 times at 100 a page: 5 pages, none asked for twice.
    expect(standIn.requests.filter((q) => q.path.endsWith('/11/data')).length).toBe(5);
  });

  it('empty pages whose tokens go round in a cycle also end', async () => {
    // South's first page points to 'a', which points to 'b', which points to 'a' again; the
    // stand-in serves no readings for those tokens.
    let n = 0;
    standIn.rewriteNext = (next, _offset, id) => (id === 12 ? (n++ % 2 === 0 ? 'a' : 'b') : next);
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('partial');
    expect(r.record.failures[0]).toMatch(/device 'south' \(12\): HydroVu sent the next-page token/);
    await expectComplete(pond, 11, 'north', 450);
  });

  it('readings out of order in a page, and a reading older than what is stored, store each reading once', async () => {
    const first = await run(pond, NODE);
    expect(first.record.state).toBe('added');
    standIn.options.devices[0]!.count = 600;
    // Each parameter's readings come newest first, and a reading from before the stored ones
    // (T0, already stored) comes with them.
    standIn.rewritePage = (body, _offset, id) => {
      if (id !== 11) return body;
      const page = JSON.parse(body) as {
        parameters: { readings: { timestamp: number; value: number }[]; parameterId: string }[];
      };
      for (const p of page.parameters) {
        p.readings.reverse();
        p.readings.push({ timestamp: T0, value: expectedValue(11, p.parameterId, T0) });
      }
      return JSON.stringify(page);
    };
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('added');
    await expectComplete(pond, 11, 'north', 600);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a full page (max_points_per_run) of readings already stored writes nothing and fails nothing', async () => {
    expect((await run(pond, NODE)).record.state).toBe('added');
    // North's next page holds 100 readings a parameter, all older than the stored ones: the run
    // stops at max_points_per_run before the stored newest time (the bounds cross).
    const node = '/system/etc/21-hydrovu';
    await mknod(pond, 'hydrovu', node, CONFIG(standIn.url).replace('100000', '100'));
    standIn.rewritePage = (body, _offset, id) => {
      if (id !== 11) return body;
      const readings = (pid: string) =>
        Array.from({ length: 100 }, (_, i) => ({
          timestamp: T0 + i * 60,
          value: expectedValue(11, pid, T0 + i * 60),
        }));
      const page = {
        locationId: 11,
        parameters: [
          { parameterId: '1', unitId: '1', readings: readings('1') },
          { parameterId: '2', unitId: '17', readings: readings('2') },
        ],
      };
      return JSON.stringify(page);
    };
    // ...and names a next page, so the run stops at max_points_per_run (not at the last page).
    standIn.rewriteNext = (next, _offset, id) => (id === 11 ? 'more' : next);
    const r = await run(pond, node);
    expect(r.record.failures).toEqual([]);
    expect(r.record.added).toEqual([]);
    await expectComplete(pond, 11, 'north', 450);
    expect(await stagedFiles(pond)).toEqual([]);
  });

  it('a reading dated far in the future is left out and named, so later runs do not resume after it', async () => {
    const future = Date.UTC(2100, 0, 1) / 1000;
    const rogue = (id: number) =>
      `"readings":[{"timestamp":${future},"value":${expectedValue(id, '1', future)}},`;
    standIn.rewritePage = (body, offset, id) =>
      id === 11 && offset === 0 ? body.replace('"readings":[', rogue(id)) : body;
    const first = await run(pond, NODE);
    expect(first.record.state).toBe('partial');
    expect(first.record.failures).toEqual([
      expect.stringMatching(
        /^device 'north' \(11\): HydroVu sent readings up to 2100-01-01T00:00:00\.000Z, more than a day after this machine's clock; they were left out/,
      ),
    ]);
    await expectComplete(pond, 11, 'north', 450);
    // New readings come, the rogue one with them: they are collected.
    standIn.options.devices[0]!.count = 500;
    const second = await run(pond, NODE);
    expect(second.record.state).toBe('partial');
    await expectComplete(pond, 11, 'north', 500);
    // A device with only readings from the future: nothing written for it.
    standIn.options.devices[1]!.count = 330;
    standIn.rewritePage = (body, _offset, id) =>
      id === 12
        ? JSON.stringify({
            locationId: 12,
            parameters: [
              {
                parameterId: '1',
                unitId: '1',
                readings: [{ timestamp: future, value: 1 }],
              },
            ],
          })
        : body;
    const third = await run(pond, NODE);
    expect(third.record.failures).toEqual([
      expect.stringMatching(/^device 'south' \(12\): HydroVu sent readings up to 2100/),
    ]);
    await expectComplete(pond, 12, 'south', 320);
  });

  it('a 200 with an HTML body fails its device, naming it; the others are written', async () => {
    standIn.rewritePage = (body, _offset, id) =>
      id === 12 ? '<html><body>Service temporarily unavailable</body></html>' : body;
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('partial');
    expect(r.record.failures).toEqual([expect.stringMatching(/^device 'south' \(12\): /)]);
    await expectComplete(pond, 11, 'north', 450);
    expect(await stagedFiles(pond)).toEqual([]);
  });

  it('a token endpoint that answers 200 without a token fails the run and writes nothing', async () => {
    standIn.tokenAnswer = { token_type: 'bearer', expires_in: 3600 };
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.BadInput)).toBe(true);
    expect((e as Error).message).toMatch(/answer for the token does not read: no access_token/);
    expect(pond.lastSeq).toBe(seq);
  });

  it('a device that vanished (404) is named; the others are written, and it does not block them next time', async () => {
    await mknod(
      pond,
      'hydrovu',
      NODE,
      CONFIG(
        standIn.url,
        '[{ name: north, id: 11 }, { name: gone, id: 19 }, { name: south, id: 12 }]',
      ),
    );
    const r = await run(pond, NODE);
    expect(r.record.state).toBe('partial');
    expect(r.record.failures).toEqual([
      expect.stringMatching(/^device 'gone' \(19\): HydroVu answered HTTP 404/),
    ]);
    await expectComplete(pond, 11, 'north', 450);
    await expectComplete(pond, 12, 'south', 320);
    standIn.options.devices[1]!.count = 330;
    const again = await run(pond, NODE);
    expect(again.record.state).toBe('partial');
    await expectComplete(pond, 12, 'south', 330);
  });
});
