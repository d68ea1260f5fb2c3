import { stat, utimes, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageOf } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { sniffCsv } from '../../query/csv-sniff.js';
import { COPY_FLAGS, WIZARD_FIELDS } from '../import-advice.js';
import { planImport, type ImportRequest } from '../plan.js';
import { SniffAhead, type SniffCall } from '../sniff-ahead.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * `pond copy` sniffs its CSV files while it loads and opens the pond (SniffAhead). A sniff made
 * ahead must be exactly the sniff the plan would make, or not be used at all.
 */
describe('sniffs made ahead of the plan', () => {
  let s: Sandbox;
  let session: DuckSession;

  beforeAll(async () => {
    s = await sandbox('import-sniff-ahead-');
    session = DuckSession.lazy();
  });
  afterAll(async () => {
    session.close();
    await s.close();
  });

  const callFor = (file: string, overrides = {}): SniffCall => ({
    file,
    label: `host+csv://${file}`,
    compression: 'none',
    overrides,
    advice: COPY_FLAGS.csv,
  });

  it('gives the plan the sniff it would make, and only for the very same call', async () => {
    const f = await s.file('semi.csv', 'when;"level, m";site\n2024-01-01 00:00:00;1,5;"a;b"\n');
    const ahead = SniffAhead.start(session, {
      sources: [`host+csv://${f}`],
      overrides: { delimiter: ';' },
    });
    const call = callFor(f, { delimiter: ';' });
    const own = await sniffCsv(session, f, call.label, 'none', { delimiter: ';' }, COPY_FLAGS.csv);
    // Other choices or other advice: not this sniff.
    expect(await ahead.take({ ...call, overrides: {} }, await stat(f))).toBeUndefined();
    expect(await ahead.take({ ...call, advice: WIZARD_FIELDS.csv }, await stat(f))).toBeUndefined();
    expect(await ahead.take(call, await stat(f))).toEqual(own);
    // Taken once: a second plan of the same file sniffs itself.
    expect(await ahead.take(call, await stat(f))).toBeUndefined();
    await ahead.close();
  });

  it('is not used once the file changed after it was read', async () => {
    const f = await s.file('grows.csv', 'a,b\n1,2\n');
    const g = await s.file('after.csv', 'x,y\n1,2\n');
    const ahead = SniffAhead.start(session, { sources: [`host+csv://${f}`, `host+csv://${g}`] });
    // The sniffs run in order: once the second is taken, the first has read its file.
    expect(await ahead.take(callFor(g), await stat(g))).toBeDefined();
    const before = await stat(f);
    await writeFile(f, 'a,b,c\n1,2,3\n');
    await utimes(f, before.atime, before.mtime);
    expect(await ahead.take(callFor(f), await stat(f))).toBeUndefined();
    await ahead.close();
    const [plan] = await planImport(s.pond, {
      sources: [`host+csv+table://${f}`],
      dest: '/grows.table',
      sniffAhead: SniffAhead.start(session, { sources: [`host+csv+table://${f}`] }),
    });
    expect(plan!.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('closes without sniffing what it has not started (a copy that fails early ends now)', async () => {
    const files: string[] = [];
    for (let i = 0; i < 20; i++) files.push(await s.file(`many${i}.csv`, `a,b\n${i},2\n`));
    const ahead = SniffAhead.start(session, { sources: files.map((f) => `host+csv://${f}`) });
    await ahead.close();
    const last = files.at(-1)!;
    expect(await ahead.take(callFor(last), await stat(last))).toBeUndefined();
  });

  it('plans and refuses exactly as a plan without it does', async () => {
    const good = await s.file('good.csv', 'timestamp,v\n2024-01-01 00:00:00,1\n');
    const tabs = await s.file('tabs.tsv', 'timestamp\tv\n2024-01-01 00:00:00\t2\n');
    const empty = await s.file('empty.csv', '');
    const headerOnly = await s.file('header.csv', 'timestamp,v\n');
    const requests: ImportRequest[] = [
      { sources: [`host+csv+series://${good}`, `host+csv+series://${tabs}`], dest: '/in/' },
      { sources: [`host+csv+series://${good}`], dest: '/x.series', overrides: { skip: 0 } },
      { sources: [`host+csv+series://${empty}`], dest: '/e.series' },
      { sources: [`host+csv+series://${headerOnly}`], dest: '/h.series' },
      { sources: [`host+csv+series://${s.dir}/missing.csv`], dest: '/m.series' },
      { sources: [`host+csv+series://${good}`], dest: '/bad.series', overrides: { skip: -1 } },
      { sources: ['not a url'], dest: '/u.series' },
    ];
    const outcome = (p: Promise<unknown>) =>
      p.then(
        (plans) => ({ plans }),
        (e: unknown) => ({ error: messageOf(e) }),
      );
    for (const req of requests) {
      const without = await outcome(planImport(s.pond, req));
      const ahead = SniffAhead.start(session, req);
      const withAhead = await outcome(planImport(s.pond, { ...req, sniffAhead: ahead }));
      await ahead.close();
      expect(withAhead, JSON.stringify(req.sources)).toEqual(without);
    }
  });

  describe('kept for every plan of a file (the wizard)', () => {
    const kinds = ['table', 'series'] as const;
    const wizardReq = (file: string, kind: string, overrides = {}): ImportRequest => ({
      sources: [`host+csv+${kind}://${file}`],
      dest: `/w-${kind}`,
      overrides,
      advice: WIZARD_FIELDS,
    });

    it('serves plans of any kind while the file is unchanged, each with a dialect of its own', async () => {
      const f = await s.file('kept.csv', 'timestamp,v\n2024-01-01 00:00:00,1\n');
      const ahead = SniffAhead.start(session, wizardReq(f, 'table'), { keep: true });
      for (const kind of [...kinds, ...kinds]) {
        const [plan] = await planImport(s.pond, { ...wizardReq(f, kind), sniffAhead: ahead });
        const [own] = await planImport(s.pond, wizardReq(f, kind));
        expect(plan).toEqual(own);
        plan!.dialect!.delimiter = ';';
      }
      expect(ahead.taken).toBe(4);
      // Other choices are another sniff: made by the plan, then kept for the next plan.
      const headless = wizardReq(f, 'table', { header: false });
      const [first] = await planImport(s.pond, { ...headless, sniffAhead: ahead });
      expect(first!.dialect!.header).toBe(false);
      expect(ahead.taken).toBe(4);
      await planImport(s.pond, { ...headless, sniffAhead: ahead });
      expect(ahead.taken).toBe(5);
      await ahead.close();
    });

    it('is sniffed again once the file changed, even with its size and mtime put back', async () => {
      const f = await s.file('edited.csv', 'level,site\n1,a\n');
      // A whole second, so that it can be put back exactly.
      const mtime = new Date('2024-07-02T00:00:00Z');
      await utimes(f, mtime, mtime);
      const ahead = SniffAhead.start(session, wizardReq(f, 'table'), { keep: true });
      await planImport(s.pond, { ...wizardReq(f, 'table'), sniffAhead: ahead });
      expect(ahead.taken).toBe(1);
      const before = await stat(f);
      await writeFile(f, 'depth;site\n1;a\n');
      await utimes(f, mtime, mtime);
      expect((await stat(f)).size).toBe(before.size);
      expect((await stat(f)).mtimeMs).toBe(before.mtimeMs);
      const [plan] = await planImport(s.pond, { ...wizardReq(f, 'table'), sniffAhead: ahead });
      expect(ahead.taken).toBe(1);
      expect(plan!.dialect!.delimiter).toBe(';');
      expect(plan!.columns.map((c) => c.name)).toEqual(['depth', 'site']);
      // The plan's own sniff of the new content is kept for the next.
      const [again] = await planImport(s.pond, { ...wizardReq(f, 'table'), sniffAhead: ahead });
      expect(again).toEqual(plan);
      expect(ahead.taken).toBe(2);
      await ahead.close();
    });

    it('plans and refuses exactly as plans without it, a refusal naming the file as each plan does', async () => {
      const files = [
        await s.file('w-good.csv', 'timestamp,v\n2024-01-01 00:00:00,1\n'),
        await s.file('w-empty.csv', ''),
        await s.file('w-header.csv', 'timestamp,v\n'),
        await s.file('w-notime.csv', 'a,b\n1,2\n'),
        await s.file('w-latin1.csv', Buffer.from('name,v\ncaf\xe9,1\n', 'latin1')),
        `${s.dir}/w-missing.csv`,
      ];
      const outcome = (p: Promise<unknown>) =>
        p.then(
          (plans) => ({ plans }),
          (e: unknown) => ({ error: messageOf(e) }),
        );
      const outcomes: ({ plans: unknown } | { error: string })[] = [];
      for (const f of files) {
        const ahead = SniffAhead.start(session, wizardReq(f, 'table'), { keep: true });
        for (const kind of [...kinds, ...kinds]) {
          const req = wizardReq(f, kind);
          const withAhead = await outcome(planImport(s.pond, { ...req, sniffAhead: ahead }));
          expect(withAhead, `${f} as ${kind}`).toEqual(await outcome(planImport(s.pond, req)));
          outcomes.push(withAhead);
        }
        await ahead.close();
      }
      const errors = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
      expect(outcomes.length - errors.length).toBe(6);
      expect(errors.some((e) => e.includes('host+csv+series://') && e.includes('empty'))).toBe(
        true,
      );
      expect(errors.some((e) => e.includes('host+csv+table://') && e.includes('empty'))).toBe(true);
    });
  });
});
