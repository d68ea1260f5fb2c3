import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { literal } from '../../duckdb/sql.js';
import { runExport } from '../../export/export.js';
import { copyIn } from '../../import/copy-in.js';
import { JobRunner } from '../../service/jobs.js';
import { placeNode } from '../../service/mknod.js';
import { createPond, openPond } from '../../service/open-pond.js';
import { visitGlob } from '../../tinyfs/visit.js';
import type { Pond } from '../../tlogfs/pond.js';
import type { PondTxn } from '../../tlogfs/transaction.js';
import { defaultRegistry } from '../index.js';

/**
 * The same path is the same node: within a transaction, across transactions and across reopen.
 * A visit of `/**` through nested dynamic directories gives each logical file exactly once (the
 * original DuckPond exported some files twice because derived ids were not stable).
 */
const DERIVED = `entries:
  - name: north.series
    factory: sql-derived-series
    config:
      patterns: { source: "series:///sites/north.series" }
      query: "SELECT timestamp, v * 2 AS v FROM source"
  - name: south.series
    factory: sql-derived-series
    config:
      patterns: { source: "series:///sites/south.series" }
  - name: reduced
    factory: temporal-reduce
    config:
      in_pattern: "series:///derived/*.series"
      out_pattern: "$0"
      resolutions: ["1h", "1d"]
      aggregations: [{ type: avg }, { type: count, columns: ["*"] }]
`;

const LOGICAL_FILES = [
  '/derived/north.series',
  '/derived/reduced/north/res=1d.series',
  '/derived/reduced/north/res=1h.series',
  '/derived/reduced/south/res=1d.series',
  '/derived/reduced/south/res=1h.series',
  '/derived/south.series',
  '/sites/north.series',
  '/sites/south.series',
];

async function idsOf(txn: PondTxn): Promise<Map<string, string>> {
  const wd = await txn.wd();
  const out = new Map<string, string>();
  for (const m of await visitGlob(wd, '/**')) {
    if (m.node.type === 'directory') continue;
    expect(out.has(m.path), `${m.path} visited twice`).toBe(false);
    out.set(m.path, m.node.id);
  }
  return out;
}

describe('derived node identity', () => {
  let dir: string;
  let pond: Pond;
  const registry = defaultRegistry();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pond-identity-'));
    const s = await DuckSession.open();
    for (const [site, days] of [
      ['north', 3],
      ['south', 2],
    ] as const) {
      await s.run(
        `COPY (SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes(i * 10) AS timestamp, i::DOUBLE AS v
               FROM range(${days * 144}) t(i)) TO ${literal(join(dir, `${site}.parquet`))} (FORMAT parquet)`,
      );
    }
    s.close();
    pond = await createPond(join(dir, 'pond'), 'identity', { command: ['test'] }, { registry });
    await pond.write({ command: ['mkdir'] }, async (txn) => (await txn.wd()).mkdir('/sites'));
    for (const site of ['north', 'south']) {
      await copyIn(pond, [`host+series://${dir}/${site}.parquet`], `/sites/${site}.series`, {
        command: ['copy'],
      });
    }
    await pond.write({ command: ['mknod'] }, (txn) =>
      placeNode(
        txn,
        registry,
        { factory: 'dynamic-dir', path: '/derived', config: DERIVED },
        { overwrite: false },
      ),
    );
  });
  afterAll(async () => {
    await pond.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a visit of /** yields each logical file exactly once, each with its own id', async () => {
    const ids = await pond.read(idsOf);
    expect([...ids.keys()].sort()).toEqual(LOGICAL_FILES);
    expect(new Set(ids.values()).size).toBe(LOGICAL_FILES.length);
  });

  it('resolving a derived path twice in one transaction gives the same node id', async () => {
    await pond.read(async (txn) => {
      const wd = await txn.wd();
      for (const path of LOGICAL_FILES) {
        const a = await wd.get(path);
        const b = await wd.get(path);
        expect(b.node.id).toBe(a.node.id);
      }
      // Through a glob and through a path: the same node.
      const viaGlob = await visitGlob(wd, '/derived/reduced/*/res=1h.series');
      for (const m of viaGlob) expect(m.node.id).toBe((await wd.get(m.path)).node.id);
    });
  });

  it('ids are the same across transactions and across reopen', async () => {
    const before = await pond.read(idsOf);
    // An unrelated transaction in between.
    await pond.write({ command: ['mkdir'] }, async (txn) => (await txn.wd()).mkdir('/other'));
    expect(await pond.read(idsOf)).toEqual(before);
    const again = await openPond(join(dir, 'pond'), { registry });
    try {
      expect(await again.read(idsOf)).toEqual(before);
    } finally {
      await again.close();
    }
  });

  it('export of ** through the dynamic directories writes one file per partition', async () => {
    const out = join(dir, 'export');
    const jobs = new JobRunner();
    const job = jobs.start('export', (ctx) =>
      runExport(
        pond,
        {
          patterns: ['/derived/**/*.series'],
          outDir: out,
          temporal: ['year', 'month', 'day'],
          templates: [],
          vars: {},
        },
        ctx,
      ),
    );
    const done = await jobs.wait(job.id);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe('done');
    const files: string[] = [];
    const walk = async (d: string) => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(join(d, e.name));
        else files.push(relative(out, join(d, e.name)));
      }
    };
    await walk(out);
    const parquet = files.filter((f) => f.endsWith('.parquet')).sort();
    expect(new Set(parquet).size).toBe(parquet.length);
    // Each of the six derived series covers its site's days: one file per day partition.
    const perTarget = new Map<string, number>();
    for (const f of parquet) {
      const target = f.split('/year=')[0]!;
      perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
    }
    expect(perTarget.size).toBe(6);
    for (const [target, count] of perTarget) {
      expect(count, target).toBe(target.includes('north') ? 3 : 2);
    }
  });
});
