import { readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConfigProblem,
  DraftNode,
  JobInfo,
  PondSummary,
  SavedNode,
  WriteJobResult,
} from '../../../shared/api.js';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { runPond } from '../../cli/test/run-pond.js';
import { defaultRegistry } from '../../factories/index.js';
import type { LocalPondService } from '../pond-service.js';
import { duck, parquet, pondWithSeries, scratch, service } from './fixtures.js';

/**
 * The derived-node editor's service calls: the factories with their keys, mknod's checks of a
 * draft placed in the text, the draft's rows, chart and details before anything is written (and
 * cancelled like any query), making the node as a write job, and the downsampled views a raw
 * series offers. The pond is compared file by file: checks and previews leave nothing.
 */
let s: Awaited<ReturnType<typeof scratch>>;
let v1: string;
let pondDir: string;
let svc: LocalPondService;
let pond: PondSummary;

const REDUCE = `in_pattern: "series:///data/*.series"
out_pattern: "$0"
resolutions: ["1h", "2h"]
aggregations:
  - type: avg
`;

const draft = (config: string, more: Partial<DraftNode> = {}): DraftNode => ({
  factory: 'temporal-reduce',
  path: '/reduced',
  config,
  overwrite: false,
  ...more,
});

beforeAll(async () => {
  s = await scratch('pond-node-editor-');
  v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i::DOUBLE AS v FROM range(5) t(i)`,
  );
  pondDir = join(s.dir, 'pond');
  await pondWithSeries(pondDir, [v1]);
  svc = service(s.appData);
  pond = await svc.openPath(pondDir);
});
afterAll(async () => {
  await svc.close();
  await s.cleanup();
});

async function pondFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(relative(pondDir, join(d, e.name)));
    }
  };
  await walk(pondDir);
  return out.filter((f) => f !== 'pond.lock' && !f.startsWith('cache/')).sort();
}

async function lastTxn(): Promise<number> {
  return (await svc.openPonds())[0]!.lastTxn;
}

async function check(d: DraftNode) {
  return svc.checkNode({ pond: pond.handle, draft: d });
}

/** The text a problem is placed on. */
const at = (config: string, p: ConfigProblem | undefined) =>
  p?.from === undefined ? undefined : config.slice(p.from, p.to);

describe('the derived-node editor', () => {
  it('lists every factory of the registry with its keys and an example', async () => {
    const list = await svc.factories();
    expect(list.map((f) => f.name)).toEqual(
      defaultRegistry()
        .list()
        .map((f) => f.name),
    );
    const reduce = list.find((f) => f.name === 'temporal-reduce')!;
    expect(reduce.makes).toBe('directory');
    expect(reduce.keys.map((k) => k.name)).toEqual([
      'in_pattern',
      'out_pattern',
      'time_column',
      'resolutions',
      'aggregations',
      'transforms',
    ]);
    expect(reduce.keys.find((k) => k.name === 'aggregations')!.keys![0]).toMatchObject({
      name: 'type',
      values: ['avg', 'min', 'max', 'count', 'sum'],
    });
  });

  it('places each error where it is: unknown keys, bad durations, bad SQL, bad YAML', async () => {
    const files = await pondFiles();
    const before = await lastTxn();

    const unknown = REDUCE + 'colour: red\n';
    const u = await check(draft(unknown));
    expect(u.ok).toBe(false);
    expect(u.problems).toHaveLength(1);
    expect(u.problems[0]).toMatchObject({
      severity: 'error',
      code: ErrorCode.BadConfig,
      key: 'colour',
    });
    expect(u.problems[0]!.message).toContain('colour: unknown key (known keys: in_pattern');
    expect(at(unknown, u.problems[0])).toBe('red');

    const duration = REDUCE.replace('"2h"', '"2x"');
    const d = await check(draft(duration));
    expect(d.problems[0]!.message).toBe(
      "/reduced (temporal-reduce): resolutions[1]: '2x' is not a duration: unknown unit 'x' (use ms, s, m, h, d, w)",
    );
    expect(at(duration, d.problems[0])).toBe('"2x"');

    const aggregation = REDUCE.replace('type: avg', 'type: mean');
    const a = await check(draft(aggregation));
    expect(a.problems[0]!.key).toBe('aggregations[0].type');
    expect(at(aggregation, a.problems[0])).toBe('mean');

    const sql = `patterns: { source: "series:///data/*.series" }\nquery: "SELECT nosuch FROM source"\n`;
    const q = await check({
      factory: 'sql-derived-series',
      path: '/v',
      config: sql,
      overwrite: false,
    });
    expect(q.problems[0]).toMatchObject({ severity: 'error', code: ErrorCode.SqlError });
    expect(q.problems[0]!.message).toContain('Referenced column "nosuch" not found');
    expect(q.problems[0]!.message).not.toContain('read_parquet');
    expect(at(sql, q.problems[0])).toBe('"SELECT nosuch FROM source"');

    const yaml = 'in_pattern: [unclosed\n';
    const y = await check(draft(yaml));
    expect(y.problems[0]!.message).toContain('not valid YAML');
    expect(y.problems[0]!.from).toBeGreaterThanOrEqual(0);

    const factory = await check(draft(REDUCE, { factory: 'no-such' }));
    expect(factory.problems[0]!.message).toContain("unknown factory 'no-such'");

    // Nothing was written by any of it.
    expect(await lastTxn()).toBe(before);
    expect(await pondFiles()).toEqual(files);
  });

  it('the app neither shows host folders nor reads the server’s environment through a draft', async () => {
    const files = await pondFiles();
    const mount: DraftNode = {
      factory: 'hostmount',
      path: '/etc-mount',
      config: `directory: ${s.dir}\n`,
      overwrite: false,
    };
    const m = await check(mount);
    expect(m.ok).toBe(false);
    expect(m.problems[0]).toMatchObject({ severity: 'error', code: ErrorCode.Unsupported });
    expect(at(mount.config, m.problems[0])).toBe(s.dir);
    await expect(
      svc.preview({ pond: pond.handle, path: '/etc-mount', offset: 0, limit: 1, draft: mount }),
    ).rejects.toMatchObject({ code: ErrorCode.Unsupported });
    await expect(svc.saveNode({ pond: pond.handle, draft: mount })).rejects.toMatchObject({
      code: ErrorCode.Unsupported,
    });
    const nested: DraftNode = {
      factory: 'dynamic-dir',
      path: '/d',
      config: `entries:\n  - { name: m, factory: hostmount, config: { directory: ${s.dir} } }\n`,
      overwrite: false,
    };
    expect((await check(nested)).problems[0]!.code).toBe(ErrorCode.Unsupported);

    process.env['POND_NODE_EDITOR_SECRET'] = 'hunter2';
    const env = `patterns: { source: "series:///data/*.series" }\nquery: "SELECT '\${env:POND_NODE_EDITOR_SECRET}' AS s FROM source"\n`;
    const e = await check({
      factory: 'sql-derived-series',
      path: '/s',
      config: env,
      overwrite: false,
    });
    expect(e.problems[0]).toMatchObject({ code: ErrorCode.Unsupported });
    expect(at(env, e.problems[0])).toBe('${env:POND_NODE_EDITOR_SECRET}');
    await expect(
      svc.preview({
        pond: pond.handle,
        path: '/s',
        offset: 0,
        limit: 1,
        draft: { factory: 'sql-derived-series', path: '/s', config: env, overwrite: false },
      }),
    ).rejects.toMatchObject({ code: ErrorCode.Unsupported });
    delete process.env['POND_NODE_EDITOR_SECRET'];
    expect(await pondFiles()).toEqual(files);
  });

  it('an input that matches nothing is a warning, as mknod prints it', async () => {
    const config = REDUCE.replace('series:///data/*.series', 'series:///nowhere/*.series');
    const c = await check(draft(config));
    expect(c.ok).toBe(true);
    expect(c.problems).toEqual([
      {
        severity: 'warning',
        message:
          "/reduced (temporal-reduce): '/nowhere/*.series' matches nothing yet (it is read once it exists)",
        from: config.indexOf('/nowhere/*.series'),
        to: config.indexOf('/nowhere/*.series') + '/nowhere/*.series'.length,
      },
    ]);
    // The CLI refuses and warns with the same words.
    const file = join(s.dir, 'nowhere.yaml');
    await writeFile(file, config);
    const copy = join(s.dir, 'cli-pond');
    await pondWithSeries(copy, [v1]);
    const r = await runPond([
      '--pond',
      copy,
      'mknod',
      'temporal-reduce',
      '/reduced',
      '--config-path',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`warning: ${c.problems[0]!.message}\n`);
    await writeFile(file, REDUCE.replace('"2h"', '"2x"'));
    const bad = await runPond([
      '--pond',
      copy,
      'mknod',
      'temporal-reduce',
      '/r2',
      '--config-path',
      file,
    ]);
    const d = await check(draft(REDUCE.replace('"2h"', '"2x"'), { path: '/r2' }));
    expect(bad.stderr).toBe(`pond: ${d.problems[0]!.message}\n`);
  });

  it('a draft’s outputs, rows, chart and details before anything is written', async () => {
    const files = await pondFiles();
    const before = await lastTxn();
    const c = await check(draft(REDUCE));
    expect(c).toEqual({
      ok: true,
      problems: [],
      outputs: [
        { path: '/reduced/readings/res=1h.series', kind: 'series' },
        { path: '/reduced/readings/res=2h.series', kind: 'series' },
      ],
      outputsTotal: 2,
    });
    const d = draft(REDUCE);
    const page = await svc.preview({
      pond: pond.handle,
      path: '/reduced/readings/res=2h.series',
      offset: 0,
      limit: 100,
      draft: d,
    });
    const rows = tableFromIPC(page.arrow)
      .toArray()
      .map((r) => {
        const o = r.toJSON() as { timestamp: number; 'v.avg': number };
        return [new Date(o.timestamp).toISOString(), o['v.avg']];
      });
    const expected = await duck<{ t: string; v: number }>(
      `SELECT strftime(to_timestamp((epoch(timestamp)::BIGINT // 7200) * 7200), '%Y-%m-%dT%H:%M:%S.000Z') AS t, avg(v) AS v
       FROM read_parquet('${v1}') GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual(expected.map((e) => [e.t, e.v]));
    const chart = await svc.chart({
      pond: pond.handle,
      path: '/reduced/readings/res=2h.series',
      maxPoints: 100,
      draft: d,
    });
    expect(chart.rowCount).toBe(3);
    const details = await svc.details({ pond: pond.handle, path: '/reduced', draft: d });
    expect(details.config).toBe(REDUCE);
    const series = await svc.details({
      pond: pond.handle,
      path: '/reduced/readings/res=1h.series',
      draft: d,
    });
    expect(series.schema?.map((col) => col.name)).toEqual(['timestamp', 'v.avg']);
    // As of an earlier transaction a draft means nothing: refused, not ignored.
    await expect(
      svc.preview({ pond: pond.handle, path: '/reduced', offset: 0, limit: 1, draft: d, asOf: 1 }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(await lastTxn()).toBe(before);
    expect(await pondFiles()).toEqual(files);
    expect((await svc.list({ pond: pond.handle, path: '/', offset: 0, limit: 9 })).total).toBe(1);
  });

  it('a draft preview is cancelled like any query and leaves the pond as it was', async () => {
    const files = await pondFiles();
    const slow: DraftNode = {
      factory: 'sql-derived-series',
      path: '/slow.series',
      config: `patterns: { source: "series:///data/*.series" }
query: "SELECT timestamp, count(*) AS n FROM source, range(1000000) a, range(1000000) b GROUP BY 1"
`,
      overwrite: false,
    };
    const running = svc.preview({
      pond: pond.handle,
      path: '/slow.series',
      offset: 0,
      limit: 10,
      draft: slow,
      query: { id: 'slow-1', slot: 'test:grid' },
    });
    await new Promise((r) => setTimeout(r, 500));
    // Uncancelled, this query runs for hours: the test ends only if the cancel stops it.
    await svc.cancelQuery('slow-1');
    const e = await running.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isPondError(e, ErrorCode.Cancelled)).toBe(true);
    expect(await pondFiles()).toEqual(files);
  });

  it('Create makes the node in one transaction; Save replaces its config; the same config is no transaction', async () => {
    const before = await lastTxn();
    const made = await svc.jobRunner.wait(
      (await svc.saveNode({ pond: pond.handle, draft: draft(REDUCE) })).id,
    );
    expect(made.state, JSON.stringify(made.error)).toBe('done');
    expect(made.result).toEqual({
      txn: before + 1,
      value: { path: '/reduced', result: 'created', warnings: [] },
    } satisfies WriteJobResult<SavedNode>);
    const again: JobInfo = await svc.jobRunner.wait(
      (await svc.saveNode({ pond: pond.handle, draft: draft(REDUCE.replace('"2h"', '"3h"')) })).id,
    );
    expect(again.error?.code).toBe(ErrorCode.AlreadyExists);
    const edited = REDUCE.replace('"2h"', '"3h"');
    const saved = await svc.jobRunner.wait(
      (await svc.saveNode({ pond: pond.handle, draft: draft(edited, { overwrite: true }) })).id,
    );
    expect((saved.result as WriteJobResult<SavedNode>).value.result).toBe('updated');
    const same = await svc.jobRunner.wait(
      (await svc.saveNode({ pond: pond.handle, draft: draft(edited, { overwrite: true }) })).id,
    );
    expect(same.result).toEqual({
      txn: undefined,
      value: { path: '/reduced', result: 'unchanged', warnings: [] },
    });
    const h = await svc.history({ pond: pond.handle, limit: 2 });
    expect(h.map((t) => t.command.join(' '))).toEqual([
      'app mknod temporal-reduce /reduced --overwrite',
      'app mknod temporal-reduce /reduced',
    ]);
    // A bad config fails the call itself, before any job.
    await expect(
      svc.saveNode({ pond: pond.handle, draft: draft(REDUCE + 'x: 1\n', { path: '/r3' }) }),
    ).rejects.toMatchObject({ code: ErrorCode.BadConfig });

    // The raw series now offers the reduce's views of it, with their columns, finest first.
    const views = await svc.downsampledViews({ pond: pond.handle, path: '/data/readings.series' });
    expect(views.map((v) => [v.label, v.path, v.reader])).toEqual([
      ['1h', '/reduced/readings/res=1h.series', '/reduced'],
      ['3h', '/reduced/readings/res=3h.series', '/reduced'],
    ]);
    expect(views[0]!.columns.map((c) => c.name)).toEqual(['timestamp', 'v.avg']);
    expect(await svc.downsampledViews({ pond: pond.handle, path: '/data/notes.txt' })).toEqual([]);
  });

  it('a collector’s secret fields may be ${env:VAR} from the app: stored as written, shown as written', async () => {
    process.env['POND_NODE_EDITOR_ID'] = 'the-id';
    process.env['POND_NODE_EDITOR_SECRET'] = 'hunter2';
    const config = [
      'client_id: ${env:POND_NODE_EDITOR_ID}',
      'client_secret: "${env:POND_NODE_EDITOR_SECRET}"',
      'max_points_per_run: 100',
      'hydrovu_path: /hydrovu',
      'devices:',
      '  - { name: pier, id: 1001 }',
      '',
    ].join('\n');
    const collector: DraftNode = {
      factory: 'hydrovu',
      path: '/10-hydrovu',
      config,
      overwrite: false,
    };
    const c = await check(collector);
    expect(c.problems).toEqual([]);
    expect(c.ok).toBe(true);
    const made = await svc.jobRunner.wait(
      (await svc.saveNode({ pond: pond.handle, draft: collector })).id,
    );
    expect(made.state, JSON.stringify(made.error)).toBe('done');
    // No warning that a secret is stored: none is.
    expect((made.result as WriteJobResult<SavedNode>).value.warnings).toEqual([]);
    const shown = (await svc.collectors(pond.handle)).find((x) => x.path === '/10-hydrovu')!;
    expect(shown.config).toContain('${env:POND_NODE_EDITOR_SECRET}');
    expect(shown.config).not.toContain('hunter2');
    expect(shown.config).not.toContain('the-id');

    // Anywhere else in the config a reference would be expanded where it can be seen.
    const elsewhere = config.replace('hydrovu_path: /hydrovu', 'hydrovu_path: /${env:HOME}');
    const e = await check({ ...collector, config: elsewhere });
    expect(e.problems[0]).toMatchObject({ code: ErrorCode.Unsupported });
    expect(e.problems[0]!.message).toContain(
      'only the secret fields (client_id, client_secret) may be an environment variable',
    );
    expect(at(elsewhere, e.problems[0])).toBe('${env:HOME}');
    delete process.env['POND_NODE_EDITOR_ID'];
    delete process.env['POND_NODE_EDITOR_SECRET'];
  });
});
