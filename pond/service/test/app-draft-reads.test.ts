/**
 * A derived node made from the app whose SQL reads the host's files is refused, in the editor's
 * check and on save, while one over the pond's own files is made: the app names host paths
 * only through its dialogs, and `pond cat` would run the stored SQL with the host's files in
 * reach. A real pond, real DuckDB, a real host file the SQL names.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftNode, PondSummary } from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { runPond } from '../../cli/test/run-pond.js';
import type { LocalPondService } from '../pond-service.js';
import { errorCode, parquet, pondWithSeries, scratch, service } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;
let pondDir: string;
let secret: string;

beforeAll(async () => {
  s = await scratch('pond-draft-reads-');
  const v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS level FROM range(24) t(i)`,
  );
  pondDir = join(s.dir, 'pond');
  await pondWithSeries(pondDir, [v1]);
  secret = join(s.dir, 'secret.csv');
  await writeFile(secret, 'user,password\nroot,hunter2\n');
  svc = service(s.appData);
  pond = await svc.openPath(pondDir);
});

afterAll(async () => {
  await svc?.close();
  await s?.cleanup();
});

const table = (path: string, query: string): DraftNode => ({
  factory: 'sql-derived-table',
  path,
  config: `patterns:\n  source: "series:///data/readings.series"\nquery: "${query}"\n`,
  overwrite: false,
});

async function log(): Promise<string> {
  const r = await runPond(['--pond', pondDir, 'log']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('derived nodes from the app read only the pond', () => {
  it("refuses SQL that reads a host file, in the editor's check and on save", async () => {
    const before = await log();
    for (const query of [
      `SELECT * FROM read_csv('${secret}')`,
      `SELECT level FROM source UNION ALL SELECT length(content) FROM read_text('${s.dir}/*.csv')`,
      `SELECT count(*) AS n FROM glob('/*')`,
    ]) {
      const draft = table('/stolen.table', query);
      const check = await svc.checkNode({ pond: pond.handle, draft });
      expect(check.ok, query).toBe(false);
      expect(check.problems[0]?.message, query).toMatch(
        /^\/stolen\.table \(sql-derived-table\): \/stolen\.table reads the host's files \(Cannot access file "[^"]+"\); the app's derived nodes read only the pond: make it with pond mknod$/,
      );
      expect(await errorCode(svc.saveNode({ pond: pond.handle, draft })), query).toBe(
        ErrorCode.Unsupported,
      );
    }
    // Inside a derived directory too.
    const dir: DraftNode = {
      factory: 'dynamic-dir',
      path: '/views',
      config: [
        'entries:',
        '  - name: fine.table',
        '    factory: sql-derived-table',
        '    config:',
        '      patterns: { source: "series:///data/readings.series" }',
        '  - name: stolen.table',
        '    factory: sql-derived-table',
        '    config:',
        '      patterns: { source: "series:///data/readings.series" }',
        `      query: "SELECT * FROM read_csv('${secret}')"`,
        '',
      ].join('\n'),
      overwrite: false,
    };
    expect((await svc.checkNode({ pond: pond.handle, draft: dir })).problems[0]?.message).toMatch(
      /\/views\/stolen\.table reads the host's files/,
    );
    expect(await errorCode(svc.saveNode({ pond: pond.handle, draft: dir }))).toBe(
      ErrorCode.Unsupported,
    );
    expect(await log()).toBe(before);
  });

  it('makes a node whose SQL reads the pond', async () => {
    const draft = table('/daily.table', 'SELECT max(level) AS top FROM source');
    expect((await svc.checkNode({ pond: pond.handle, draft })).ok).toBe(true);
    const job = await svc.saveNode({ pond: pond.handle, draft });
    expect((await svc.jobRunner.wait(job.id)).state).toBe('done');
    const r = await runPond(['--pond', pondDir, 'cat', '/daily.table', '--format', 'csv']);
    expect(r.stdout).toBe('top\n23\n');
  });
});
