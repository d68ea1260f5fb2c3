import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, writeParquet, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

/**
 * Every factory through the real CLI on small known data. Expected values come from plain
 * DuckDB over the same input files, never from the pond.
 */

type Row = Record<string, unknown>;

/** `pond cat --format json` output (JSON lines) as rows. */
function rows(stdout: string): Row[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

/** The ISO form `pond cat --format json` prints timestamps in, computed by DuckDB. */
const iso = (col: string) => `strftime((${col}) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')`;

describe('factories', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let north: string;
  let south: string;
  let n = 0;
  /** Writes a config file and makes the node. */
  const mknod = async (factory: string, path: string, config: string) => {
    const file = join(t.dir, `config-${++n}.yaml`);
    await writeText(file, config);
    return p.ok('mknod', factory, path, '--config-path', file);
  };
  const cat = async (path: string, sql?: string) =>
    rows(await p.ok('cat', path, '--format', 'json', ...(sql ? ['--sql', sql] : [])));

  beforeAll(async () => {
    t = await tempDir('pond-factories-');
    p = bound(t.pond);
    north = join(t.dir, 'north.parquet');
    south = join(t.dir, 'south.parquet');
    // North: 10-minute readings for two days; south: every 30 minutes for one day from noon.
    await writeParquet(
      north,
      `SELECT TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_minutes(i * 10) AS timestamp,
              (i * 0.5)::DOUBLE AS temperature, (100 + i)::BIGINT AS conductivity
       FROM range(288) t(i)`,
    );
    await writeParquet(
      south,
      `SELECT TIMESTAMPTZ '2024-03-01 12:00:00+00' + to_minutes(i * 30) AS timestamp,
              (20 + i * 0.25)::DOUBLE AS temperature, (7 + i / 100)::DOUBLE AS ph
       FROM range(48) t(i)`,
    );
    await p.ok('init', '--birthplace', 'factories');
    for (const d of ['/sensors', '/views', '/synthetic', '/etc']) await p.ok('mkdir', d);
    await p.ok('copy', `host+series://${north}`, '/sensors/north.series');
    await p.ok('copy', `host+series://${south}`, '/sensors/south.series');
  });
  afterAll(async () => t.cleanup());

  it('sql-derived-table: SQL over one input, named by its alias', async () => {
    await mknod(
      'sql-derived-table',
      '/views/daily-north',
      `patterns: { readings: "series:///sensors/north.series" }
query: "SELECT date_trunc('day', timestamp) AS day, max(temperature) AS hi, count(*) AS n FROM readings GROUP BY 1 ORDER BY 1"
`,
    );
    const expected = await duck(
      `SELECT ${iso("date_trunc('day', timestamp)")} AS day, max(temperature) AS hi, count(*)::INTEGER AS n
       FROM read_parquet('${north}') GROUP BY 1 ORDER BY 1`,
    );
    expect(await cat('/views/daily-north')).toEqual(expected);
    expect(await p.ok('describe', '/views/daily-north')).toContain('sql-derived-table');
  });

  it('sql-derived-series: a pattern matching many series is their union by column name', async () => {
    await mknod(
      'sql-derived-series',
      '/views/all.series',
      `patterns: { source: "series:///sensors/*.series" }
query: "SELECT timestamp, temperature, ph FROM source ORDER BY timestamp, temperature"
`,
    );
    const expected = await duck(
      `SELECT ${iso('timestamp')} AS timestamp, temperature, ph FROM read_parquet(['${north}', '${south}'], union_by_name = true)
       ORDER BY timestamp, temperature`,
    );
    const got = await cat('/views/all.series');
    expect(got).toHaveLength(288 + 48);
    expect(got).toEqual(expected);
  });

  it('temporal-reduce: buckets from the epoch, <col>.<agg> columns, count(*) as timestamp.count', async () => {
    await mknod(
      'temporal-reduce',
      '/reduced',
      `in_pattern: "series:///sensors/*.series"
out_pattern: "$0"
time_column: timestamp
resolutions: ["6h", "1h", "1d"]
aggregations:
  - { type: avg, columns: ["temp*"] }
  - { type: min }
  - { type: max, columns: ["temperature"] }
  - { type: sum, columns: ["cond*"] }
  - { type: count, columns: ["*"] }
`,
    );
    const listing = await p.ok('list', '/reduced/**');
    for (const site of ['north', 'south'])
      for (const res of ['1h', '6h', '1d'])
        expect(listing).toContain(`/reduced/${site}/res=${res}.series`);
    const expected = await duck(
      `SELECT ${iso('to_timestamp(floor(epoch(timestamp) / 21600) * 21600)')} AS timestamp,
              avg(temperature) AS "temperature.avg",
              min(temperature) AS "temperature.min", min(conductivity)::INTEGER AS "conductivity.min",
              max(temperature) AS "temperature.max", sum(conductivity)::INTEGER AS "conductivity.sum",
              count(*)::INTEGER AS "timestamp.count"
       FROM read_parquet('${north}') GROUP BY 1 ORDER BY 1`,
    );
    expect(await cat('/reduced/north/res=6h.series')).toEqual(expected);
    const daily = await cat('/reduced/south/res=1d.series');
    // South runs from noon on March 1st to 11:30 on March 2nd: two daily buckets of 24 each.
    expect(daily.map((r) => [r['timestamp'], r['timestamp.count']])).toEqual([
      ['2024-03-01T00:00:00Z', 24],
      ['2024-03-02T00:00:00Z', 24],
    ]);
    expect(Object.keys(daily[0]!)).toEqual([
      'timestamp',
      'temperature.avg',
      'temperature.min',
      'ph.min',
      'temperature.max',
      'timestamp.count',
    ]);
  });

  it('temporal-reduce windows: a time filter gives the buckets that start in it, each whole', async () => {
    const got = rows(
      await p.ok(
        'cat',
        '/reduced/north/res=1h.series',
        '--format',
        'json',
        '--time-start',
        '2024-03-01T05:30:00Z',
        '--time-end',
        '2024-03-01T06:30:00Z',
      ),
    );
    // The 06:00 bucket holds all six readings of its hour, not only those before 06:30.
    expect(got.map((r) => [r['timestamp'], r['timestamp.count']])).toEqual([
      ['2024-03-01T06:00:00Z', 6],
    ]);
  });

  it('timeseries-join: full outer join on time, Scope.column names, per-input ranges', async () => {
    await mknod(
      'timeseries-join',
      '/views/joined.series',
      `inputs:
  - { pattern: "series:///sensors/north.series", scope: North, range: { begin: "2024-03-01T10:00:00Z" } }
  - { pattern: "series:///sensors/south.series", scope: South }
  - { pattern: "series:///sensors/missing-*.series", scope: Gone }
`,
    );
    const expected = await duck(
      `SELECT ${iso('timestamp')} AS timestamp, n.temperature AS "North.temperature", n.conductivity::INTEGER AS "North.conductivity",
              s.temperature AS "South.temperature", s.ph AS "South.ph"
       FROM (SELECT * FROM read_parquet('${north}') WHERE timestamp >= TIMESTAMPTZ '2024-03-01 10:00:00+00') n
       FULL OUTER JOIN read_parquet('${south}') s USING (timestamp) ORDER BY timestamp`,
    );
    const got = await cat('/views/joined.series');
    expect(got).toEqual(expected);
    expect(got.every((r) => r['timestamp'] !== null)).toBe(true);
    // Outside the overlap the other side is NULL.
    expect(got[0]).toMatchObject({ timestamp: '2024-03-01T10:00:00Z', 'South.temperature': null });
  });

  it('timeseries-pivot: chosen columns of every match, side by side, named <capture>.<column>', async () => {
    await mknod(
      'timeseries-pivot',
      '/views/pivot.series',
      `pattern: "series:///sensors/*.series"
columns: ["temperature"]
`,
    );
    const expected = await duck(
      `WITH ts AS (SELECT timestamp FROM read_parquet('${north}') UNION SELECT timestamp FROM read_parquet('${south}'))
       SELECT ${iso('ts.timestamp')} AS timestamp, n.temperature AS "north.temperature", s.temperature AS "south.temperature"
       FROM ts LEFT JOIN read_parquet('${north}') n USING (timestamp) LEFT JOIN read_parquet('${south}') s USING (timestamp)
       ORDER BY ts.timestamp`,
    );
    expect(await cat('/views/pivot.series')).toEqual(expected);
  });

  it('synthetic-timeseries: waveforms with an inclusive end', async () => {
    await mknod(
      'synthetic-timeseries',
      '/synthetic/wave.series',
      `start: "2024-01-01T00:00:00Z"
end: "2024-01-01T02:00:00Z"
interval: "15m"
points:
  - name: level
    components:
      - { type: sine, amplitude: 2, period: "1h", offset: 10 }
      - { type: line, slope: 0.001 }
  - name: gate
    components:
      - { type: square, amplitude: 1, period: "1h" }
  - name: saw
    components:
      - { type: triangle, amplitude: 4, period: "2h" }
`,
    );
    const got = await cat('/synthetic/wave.series');
    expect(got).toHaveLength(9); // 00:00 .. 02:00 every 15 minutes, both ends included
    expect(got[8]!['timestamp']).toBe('2024-01-01T02:00:00Z');
    const expected = await duck(
      `SELECT ${iso("TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes(i * 15)")} AS timestamp,
              (10 + 2 * sin(2 * pi() * i * 900 / 3600) + 0.001 * i * 900)::DOUBLE AS level
       FROM range(9) t(i)`,
    );
    got.forEach((r, i) => {
      expect(r['timestamp']).toBe(expected[i]!['timestamp']);
      expect(r['level'] as number).toBeCloseTo(expected[i]!['level'] as number, 9);
    });
    // Square: +1 while the sine is >= 0 (first half hour), -1 after. Triangle: -4 at 0, +4 at 1h.
    expect(got.slice(0, 5).map((r) => r['gate'])).toEqual([1, 1, 1, -1, -1]);
    expect(got.filter((_, i) => i % 4 === 0).map((r) => r['saw'])).toEqual([-4, 4, -4]);
  });

  it('column-rename: transforms rename and cast the inputs of other factories', async () => {
    await mknod(
      'column-rename',
      '/etc/rename',
      `rules:
  - { type: direct, from: conductivity, to: cond_us, cast: float64 }
  - { type: pattern, pattern: "temp(.*)", replacement: "t$1" }
`,
    );
    await mknod(
      'sql-derived-series',
      '/views/renamed.series',
      `patterns: { source: "series:///sensors/north.series" }
transforms: ["/etc/rename"]
query: "SELECT * FROM source ORDER BY timestamp LIMIT 2"
`,
    );
    const d = await p.ok('describe', '/views/renamed.series');
    expect(d).toMatch(/cond_us\s+DOUBLE/);
    expect(d).toMatch(/terature\s+DOUBLE/);
    expect(await cat('/views/renamed.series')).toEqual([
      { timestamp: '2024-03-01T00:00:00Z', terature: 0, cond_us: 100 },
      { timestamp: '2024-03-01T00:10:00Z', terature: 0.5, cond_us: 101 },
    ]);
  });

  it('${env:VAR} and ${env:VAR:-default} are expanded when the config is read, stored raw', async () => {
    const file = join(t.dir, 'env.yaml');
    await writeText(
      file,
      `patterns: { source: "series:///sensors/\${env:POND_TEST_SITE}.series" }
query: "SELECT count(*) AS n, '\${env:POND_TEST_UNSET:-fallback}' AS tag FROM source"
`,
    );
    const r = await p.run('mknod', 'sql-derived-table', '/views/env', '--config-path', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('POND_TEST_SITE');
    const withEnv = bound(t.pond);
    const { runPond } = await import('./run-pond.js');
    const made = await runPond(
      ['--pond', t.pond, 'mknod', 'sql-derived-table', '/views/env', '--config-path', file],
      { env: { POND_TEST_SITE: 'south' } },
    );
    expect(made.code, made.stderr).toBe(0);
    const read = await runPond(['--pond', t.pond, 'cat', '/views/env', '--format', 'json'], {
      env: { POND_TEST_SITE: 'south' },
    });
    expect(rows(read.stdout)).toEqual([{ n: 48, tag: 'fallback' }]);
    const described = await runPond(['--pond', t.pond, 'describe', '/views/env'], {
      env: { POND_TEST_SITE: 'south' },
    });
    expect(described.stdout).toContain('${env:POND_TEST_SITE}');
    // Without the variable the node cannot be read, and the error says which variable.
    const unset = await withEnv.run('cat', '/views/env');
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain('POND_TEST_SITE is not set');
  });

  it('dynamic-dir: children made by their factories, reading each other by path', async () => {
    await mknod(
      'dynamic-dir',
      '/derived',
      `entries:
  - name: warm.series
    factory: sql-derived-series
    config:
      patterns: { source: "series:///sensors/north.series" }
      query: "SELECT timestamp, temperature FROM source WHERE temperature >= 100"
  - name: warm-reduced
    factory: temporal-reduce
    config:
      in_pattern: "series:///derived/warm.series"
      out_pattern: "all"
      time_column: timestamp
      resolutions: ["1d"]
      aggregations: [{ type: count, columns: ["*"] }]
`,
    );
    expect(await p.ok('list', '/derived/**')).toContain('/derived/warm-reduced/all/res=1d.series');
    const expected = await duck(
      `SELECT ${iso("date_trunc('day', timestamp)")} AS timestamp, count(*)::INTEGER AS "timestamp.count"
       FROM read_parquet('${north}') WHERE temperature >= 100 GROUP BY 1 ORDER BY 1`,
    );
    expect(await cat('/derived/warm-reduced/all/res=1d.series')).toEqual(expected);
  });

  it('a reduce of a join of SQL views is one DuckDB plan (cat --explain)', async () => {
    await mknod(
      'temporal-reduce',
      '/joined-reduced',
      `in_pattern: "series:///views/joined.series"
out_pattern: "joined"
resolutions: ["1d"]
aggregations: [{ type: avg, columns: ["North.temperature"] }]
`,
    );
    const plan = await p.ok('cat', '/joined-reduced/joined/res=1d.series', '--explain');
    // One physical plan: both stored series are read by Parquet scans inside it.
    expect(plan.match(/PARQUET_SCAN|READ_PARQUET/g)?.length).toBeGreaterThanOrEqual(2);
    expect(plan).toMatch(/HASH_JOIN|HASH_GROUP_BY/);
  });

  it('list-factories names every factory', async () => {
    const out = await p.ok('list-factories');
    for (const f of [
      'hostmount',
      'sql-derived-table',
      'sql-derived-series',
      'temporal-reduce',
      'timeseries-join',
      'timeseries-pivot',
      'dynamic-dir',
      'synthetic-timeseries',
      'column-rename',
      'csv-directory',
    ])
      expect(out).toMatch(new RegExp(`^${f}\\s`, 'm'));
  });
});
