import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PondError } from '../../../shared/errors.js';
import { literal } from '../../duckdb/sql.js';
import { nodeRelation } from '../../query/node-relation.js';
import { isFile } from '../../tinyfs/node.js';
import { copyIn, type CopyInOptions } from '../copy-in.js';
import { planImport } from '../plan.js';
import { previewImport } from '../preview.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * Series made by earlier pond versions may store their event time as BIGINT, which the pond has
 * always read as µs since the epoch (the recorded ranges, time windows, charts). Such a series
 * takes new versions in that type and unit: numbers in the unit the user names are converted
 * exactly to µs, times to their µs since the epoch; numbers without a unit are refused, and a new
 * series never stores a µs count.
 */
describe('a series whose event time is a BIGINT count of µs', () => {
  let s: Sandbox;
  const T0 = Date.UTC(2024, 0, 1) * 1000; // µs

  beforeAll(async () => {
    s = await sandbox('import-micros-');
    // As an earlier pond stored it: the Parquet bytes as given, the range read as µs.
    const old = `${s.dir}/old.parquet`;
    await s.duck(
      `COPY (SELECT (${T0} + i * 3600000000)::BIGINT AS timestamp, i * 1.5 AS v FROM range(3) t(i))
       TO ${literal(old)} (FORMAT parquet)`,
    );
    await s.pond.write({ command: ['test', 'legacy'] }, async (txn) => {
      await (
        await txn.wd()
      ).writeFile('/old.series', 'series', {
        hostPath: old,
        timestampColumn: 'timestamp',
        minEventTimeUs: T0,
        maxEventTimeUs: T0 + 2 * 3600e6,
      });
    });
  });
  afterAll(async () => s.close());

  async function append(name: string, text: string, o: CopyInOptions = {}) {
    const f = await s.file(name, text);
    return copyIn(s.pond, [`host+csv+series://${f}`], '/old.series', { command: ['t'] }, o);
  }

  /** Every row as readers see it, with each version's recorded range. */
  async function read() {
    return s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/old.series')).node;
      if (!isFile(node)) throw new Error('not a file');
      const rel = await nodeRelation(node, '/old.series', { txn, expanding: [] });
      const rows = await s.pond.session.all(
        `SELECT timestamp::DOUBLE AS us, typeof(timestamp) AS t, v FROM (${rel}) ORDER BY 1`,
      );
      const ranges = (await node.versions()).map((v) => [v.minEventTimeUs, v.maxEventTimeUs]);
      return { rows, ranges };
    });
  }

  it('numbers in a named unit are stored as µs, exactly', async () => {
    const t = T0 / 1e6 + 4 * 3600; // epoch seconds, 04:00
    await append('s.csv', `timestamp,v\n${t},10\n${t + 3600},11\n`, {
      timestampFormat: 'epoch-s',
    });
    await append('ms.csv', `timestamp,v\n${(t + 7200) * 1000},12\n`, {
      timestampFormat: 'epoch-ms',
    });
    await append('us.csv', `timestamp,v\n${(t + 10800) * 1e6},13\n`, {
      timestampFormat: 'epoch-us',
    });
    const { rows, ranges } = await read();
    expect(rows.map((r) => (r['us'] as number) - T0)).toEqual(
      [0, 1, 2, 4, 5, 6, 7].map((h) => h * 3600e6),
    );
    expect(new Set(rows.map((r) => r['t']))).toEqual(new Set(['BIGINT']));
    expect(ranges.slice(1)).toEqual([
      [T0 + 4 * 3600e6, T0 + 5 * 3600e6],
      [T0 + 6 * 3600e6, T0 + 6 * 3600e6],
      [T0 + 7 * 3600e6, T0 + 7 * 3600e6],
    ]);
  });

  it('times are stored as their µs since the epoch (offsets applied)', async () => {
    await append(
      'times.csv',
      'timestamp,v\n2024-01-01 10:00:00+02:00,14\n2024-01-01T09:00:00Z,15\n',
    );
    const { rows, ranges } = await read();
    expect(rows.slice(-2).map((r) => [(r['us'] as number) - T0, r['v']])).toEqual([
      [8 * 3600e6, 14],
      [9 * 3600e6, 15],
    ]);
    expect(ranges.at(-1)).toEqual([T0 + 8 * 3600e6, T0 + 9 * 3600e6]);
  });

  it('numbers without their unit are refused; nothing changes', async () => {
    const before = await s.state();
    const e = await append('bare.csv', `timestamp,v\n1704067200,1\n`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PondError);
    expect((e as PondError).message).toMatch(
      /holds numbers .*--timestamp-format epoch-s\|epoch-ms\|epoch-us/,
    );
    expect(await s.state()).toBe(before);
  });

  it('a preview shows the range in µs; a new series never stores a µs count', async () => {
    const f = await s.file('p.csv', `timestamp,v\n${T0 / 1e6},1\n`);
    const [plan] = await planImport(s.pond, {
      sources: [`host+csv+series://${f}`],
      dest: '/old.series',
      overrides: { timestampFormat: 'epoch-s' },
    });
    const preview = await previewImport(s.pond, plan!);
    expect(preview.problems).toEqual([]);
    expect(preview.timeRange).toEqual({ minUs: T0, maxUs: T0 });
    const [fresh] = await planImport(s.pond, {
      sources: [`host+csv+series://${f}`],
      dest: '/new.series',
      overrides: { timestampFormat: 'epoch-s' },
    });
    expect(fresh!.columns[0]!.type).toBe('TIMESTAMP WITH TIME ZONE');
    fresh!.columns[0]!.type = 'BIGINT';
    await expect(previewImport(s.pond, fresh!)).rejects.toThrow(/stores the event time as BIGINT/);
  });
});
