import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { literal } from '../../duckdb/sql.js';
import { JobRunner } from '../../service/jobs.js';
import { planImport } from '../plan.js';
import { previewAndStage, previewImport } from '../preview.js';
import { runImport } from '../run.js';
import { sandbox, type Sandbox } from './sandbox.js';

/** Imports run as jobs (the service's runner): progress in bytes, and a cancel that leaves nothing. */
describe('import as a job', () => {
  let s: Sandbox;
  let big: string;
  let small: string;

  beforeAll(async () => {
    s = await sandbox('import-job-');
    big = `${s.dir}/big.csv`;
    await s.duck(
      `COPY (SELECT TIMESTAMP '2020-01-01' + to_seconds(i) AS timestamp, i * 0.5 AS v, 'north' AS site
             FROM range(3000000) t(i)) TO ${literal(big)} (HEADER)`,
    );
    small = await s.file('small.csv', 'timestamp,v\n2024-01-01 00:00:00,1\n');
  });
  afterAll(async () => s.close());

  it('reports progress in bytes of the source files', async () => {
    const plans = await planImport(s.pond, {
      sources: [`host+csv+series://${small}`],
      dest: '/small.series',
    });
    const jobs = new JobRunner();
    const seen: string[] = [];
    jobs.subscribe((j) =>
      seen.push(`${j.state} ${j.progress.done}/${j.progress.total} ${j.progress.message}`),
    );
    const j = jobs.start('import', (job) => runImport(s.pond, plans, { command: ['t'] }, { job }));
    const done = await jobs.wait(j.id);
    expect(done.state).toBe('done');
    const size = plans[0]!.size;
    expect(seen).toContain(`running 0/${size} importing host+csv+series://${small}`);
    expect(seen).toContain(`running ${size}/${size} host+csv+series://${small}: 1 rows`);
    expect(seen).toContain(`running ${size}/${size} writing`);
  });

  it('a cancel while the file converts stops DuckDB, commits nothing and leaves no temp file', async () => {
    const plans = await planImport(s.pond, {
      sources: [`host+csv+series://${big}`],
      dest: '/big.series',
    });
    const before = await s.state();
    const jobs = new JobRunner();
    // Cancelled once the conversion has begun (its first progress), not after a guessed delay.
    let cancelledAt = 0;
    jobs.subscribe((info) => {
      if (!cancelledAt && info.progress.message.startsWith('importing')) {
        cancelledAt = -1;
        setTimeout(() => {
          cancelledAt = performance.now();
          jobs.cancel(info.id);
        }, 20);
      }
    });
    const j = jobs.start('import', (job) => runImport(s.pond, plans, { command: ['t'] }, { job }));
    const done = await jobs.wait(j.id);
    const stopMs = performance.now() - cancelledAt;
    expect(done.state).toBe('cancelled');
    expect(done.error?.code).toBe(ErrorCode.Cancelled);
    expect(await s.state()).toBe(before);
    // The same plan runs to completion afterwards (nothing half-done is in the way). The cancel,
    // 20 ms into the conversion, ended the job in a fraction of a whole conversion's time: DuckDB
    // was interrupted, not waited for.
    const t = performance.now();
    const r = await runImport(s.pond, plans, { command: ['t'] });
    expect(r.files[0]!.rows).toBe(3_000_000);
    expect(stopMs).toBeLessThan((performance.now() - t) * 0.5);
  });

  it('a cancel that lands as the conversion starts (before DuckDB runs it) leaves no temp file either', async () => {
    const plans = await planImport(s.pond, {
      sources: [`host+csv+series://${big}`],
      dest: '/early.series',
    });
    const before = await s.state();
    const jobs = new JobRunner();
    // Cancelled by the progress that starts the file: the interrupt finds no query to stop.
    jobs.subscribe((info) => {
      if (info.state === 'running' && info.progress.message.startsWith('importing'))
        jobs.cancel(info.id);
    });
    const j = jobs.start('import', (job) => runImport(s.pond, plans, { command: ['t'] }, { job }));
    const done = await jobs.wait(j.id);
    expect(done.state).toBe('cancelled');
    expect(await s.state()).toBe(before);
  });

  it('a preview can be cancelled too, while its scan runs or before it starts', async () => {
    const plans = await planImport(s.pond, {
      sources: [`host+csv+table://${big}`],
      dest: '/big.table',
    });
    const jobs = new JobRunner();
    // Cancelled once the preview has registered its interrupt, i.e. its scan is starting.
    const j = jobs.start('preview', (job) =>
      previewImport(s.pond, plans[0]!, {
        ...job,
        onCancel: (fn) => {
          job.onCancel(fn);
          setTimeout(() => jobs.cancel(j.id), 20);
        },
      }),
    );
    const done = await jobs.wait(j.id);
    expect(done.state).toBe('cancelled');
    // A cancel that lands before the scan starts is not lost.
    const early = jobs.start('preview', (job) => previewImport(s.pond, plans[0]!, job));
    jobs.cancel(early.id);
    expect((await jobs.wait(early.id)).state).toBe('cancelled');
  });

  it('a preview that converts (to stage the run) is cancelled the same way, and leaves no temp file', async () => {
    const plans = await planImport(s.pond, {
      sources: [`host+csv+series://${big}`],
      dest: '/big.series',
    });
    const before = await s.state();
    const jobs = new JobRunner();
    const j = jobs.start('preview', (job) =>
      previewAndStage(s.pond, plans[0]!, {
        ...job,
        onCancel: (fn) => {
          job.onCancel(fn);
          setTimeout(() => jobs.cancel(j.id), 200);
        },
      }),
    );
    const done = await jobs.wait(j.id);
    expect(done.state).toBe('cancelled');
    expect(await s.state()).toBe(before);
  });
});
