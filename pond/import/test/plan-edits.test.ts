import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { ImportPlan } from '../../../shared/import.js';
import { planImport } from '../plan.js';
import { previewImport } from '../preview.js';
import { runImport } from '../run.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * The app's wizard edits a plan field by field and hands it back: preview and run take that
 * plan as it is, and check every field of it first (it crossed IPC or HTTP).
 */
describe('edited plans', () => {
  let s: Sandbox;
  let plan: () => Promise<ImportPlan>;

  beforeAll(async () => {
    s = await sandbox('import-plan-');
    const f = await s.file(
      'readings.csv',
      'timestamp,reading,note\n2024-01-01 00:00:00,7,ok\n2024-01-01 01:00:00,8,fine\n',
    );
    plan = async () =>
      (await planImport(s.pond, { sources: [`host+csv+series://${f}`], dest: '/r.series' }))[0]!;
  });
  afterAll(async () => s.close());

  it('a rename, a type and a skip made in the plan are what preview shows and run stores', async () => {
    const p = await plan();
    p.columns[1]!.name = 'level';
    p.columns[1]!.type = 'double';
    p.columns[2]!.skip = true;
    const preview = await previewImport(s.pond, p);
    expect(preview.columns).toEqual([
      { name: 'timestamp', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'level', type: 'DOUBLE' },
    ]);
    expect(preview.rows).toEqual([
      ['2024-01-01T00:00:00Z', 7],
      ['2024-01-01T01:00:00Z', 8],
    ]);
    expect(preview.problems).toEqual([]);
    const r = await runImport(s.pond, [p], { command: ['t'] });
    expect(r.files[0]).toMatchObject({ path: '/r.series', rows: 2, created: true });
  });

  it('fields that would reach SQL, or make no sense together, are refused before anything runs', async () => {
    const before = await s.state();
    const cases: [string, (p: ImportPlan) => void, RegExp][] = [
      [
        'a type that is SQL',
        (p) => (p.columns[1]!.type = "DOUBLE) TO '/tmp/x' --"),
        /is not a type name/,
      ],
      [
        'a nested type that closes the cast',
        (p) => (p.columns[1]!.type = 'STRUCT(a INTEGER)) AS t, (SELECT 1'),
        /is not a type name/,
      ],
      [
        'a nested type holding a string',
        (p) => (p.columns[1]!.type = "STRUCT(a INTEGER, b VARCHAR[read_text('/etc/passwd')])"),
        /is not a type name/,
      ],
      [
        'a type DuckDB does not know',
        (p) => (p.columns[1]!.type = 'FLOOT'),
        /is not a DuckDB type/,
      ],
      [
        'a skip that is not a number',
        (p) => (p.dialect!.skip = '1; DROP' as unknown as number),
        /skips/,
      ],
      [
        'a skipped event time',
        (p) => (p.columns[0]!.skip = true),
        /names no stored column as the event time/,
      ],
      ['two columns with one name', (p) => (p.columns[2]!.name = 'READING'), /both named/],
      ['text stored as data', (p) => (p.kind = 'data'), /stores csv as data/],
    ];
    for (const [what, edit, re] of cases) {
      const p = await plan();
      edit(p);
      for (const f of [
        () => previewImport(s.pond, p),
        () => runImport(s.pond, [p], { command: ['t'] }),
      ]) {
        const e = await f().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e, what).toBeInstanceOf(PondError);
        expect((e as PondError).message, what).toMatch(re);
        expect([ErrorCode.InvalidArgument, ErrorCode.BadInput]).toContain((e as PondError).code);
      }
    }
    expect(await s.state()).toBe(before);
  });
});
