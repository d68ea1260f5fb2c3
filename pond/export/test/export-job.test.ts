import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { literal } from '../../duckdb/sql.js';
import { copyIn } from '../../import/copy-in.js';
import { JobRunner } from '../../service/jobs.js';
import { createPond } from '../../service/open-pond.js';
import type { Pond } from '../../tlogfs/pond.js';
import { runExport } from '../export.js';

/** Export as a job: progress events as targets are written, and a cancel that leaves nothing behind. */
describe('export job', () => {
  let dir: string;
  let pond: Pond;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'export-job-'));
    const s = await DuckSession.open();
    for (const site of ['a', 'b', 'c']) {
      await s.run(
        `COPY (SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes(i) AS timestamp, i::DOUBLE AS v FROM range(20000) t(i)) TO ${literal(join(dir, `${site}.parquet`))} (FORMAT parquet)`,
      );
    }
    s.close();
    pond = await createPond(join(dir, 'pond'), 'job', { command: ['test'] });
    for (const site of ['a', 'b', 'c']) {
      await copyIn(pond, [`host+series://${dir}/${site}.parquet`], `/${site}.series`, {
        command: ['copy'],
      });
    }
  });
  afterAll(async () => {
    await pond.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports progress per target', async () => {
    const jobs = new JobRunner();
    const events: string[] = [];
    jobs.subscribe((j) => events.push(`${j.state} ${j.progress.done}/${j.progress.total ?? '?'}`));
    const out = join(dir, 'out-progress');
    const j = jobs.start('export', (ctx) =>
      runExport(
        pond,
        {
          patterns: ['/*.series'],
          outDir: out,
          temporal: ['year', 'month'],
          templates: [],
          vars: {},
        },
        ctx,
      ),
    );
    const done = await jobs.wait(j.id);
    expect(done.state).toBe('done');
    // Progress counts hundredths of targets: the bar moves inside a target too.
    expect(events).toContain('running 100/300');
    expect(events).toContain('running 300/300');
    expect(events[events.length - 1]).toBe('done 300/300');
    expect((await readdir(out)).sort()).toEqual(['a', 'b', 'c', 'export.json']);
  });

  async function cancelledExport(out: string): Promise<void> {
    const jobs = new JobRunner();
    let id = '';
    jobs.subscribe((j) => {
      if (j.state === 'running' && j.progress.done === 100) jobs.cancel(id);
    });
    id = jobs.start('export', (ctx) =>
      runExport(
        pond,
        {
          patterns: ['/*.series'],
          outDir: out,
          temporal: ['year', 'month', 'day'],
          templates: [],
          vars: {},
        },
        ctx,
      ),
    ).id;
    const done = await jobs.wait(id);
    expect(done.state).toBe('cancelled');
    expect(done.error?.code).toBe('CANCELLED');
  }

  it('a cancel leaves no trace: no partial partition, no staging folder, no folder it made', async () => {
    const out = join(dir, 'out-cancel', 'deeper');
    await cancelledExport(out);
    expect(existsSync(join(dir, 'out-cancel'))).toBe(false);
  });

  it('a cancel into an existing folder leaves it as it was', async () => {
    const out = join(dir, 'out-kept');
    await mkdir(out);
    await writeFile(join(out, 'mine.txt'), "the user's file");
    await cancelledExport(out);
    expect(await readdir(out)).toEqual(['mine.txt']);
  });
});
