/**
 * A pond closed while a job works on it (its tab's Close pond, its window closed): the job is
 * cancelled and has ended before the pond's DuckDB sessions go, so it ends CANCELLED saying why,
 * and the pond is as it was (`pond log`, `pond fsck`, nothing staged). A real pond, real DuckDB,
 * a CSV large enough that its import is still converting when the pond closes.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api.js';
import { ErrorCode } from '../../../shared/errors.js';
import { runPond } from '../../cli/test/run-pond.js';
import { literal } from '../../duckdb/sql.js';
import { createPond } from '../open-pond.js';
import { LocalPondService } from '../pond-service.js';
import { duck, scratch } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let big: string;

beforeAll(async () => {
  s = await scratch('pond-close-');
  big = join(s.dir, 'big.csv');
  await duck(
    `COPY (SELECT TIMESTAMP '2020-01-01' + to_seconds(i) AS timestamp, i * 0.5 AS v
           FROM range(3000000) t(i)) TO ${literal(big)} (HEADER)`,
  );
});
afterAll(async () => s?.cleanup());

/** What `pond log` and `pond fsck` say, and the files under the pond's staging folders. */
async function pondState(dir: string): Promise<string> {
  const log = await runPond(['--pond', dir, 'log']);
  const fsck = await runPond(['--pond', dir, 'fsck']);
  const root = join(dir, 'data', '_large_files', '_staging');
  const staged = (await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((e) => e.isFile())
    .map((e) => e.name);
  return JSON.stringify([log.stdout, fsck.code, fsck.stdout, staged]);
}

/** Starts an import of the big CSV into a pond only `client` holds; resolves once converting. */
async function importing(name: string, client: string) {
  const dir = join(s.dir, name);
  await (await createPond(dir, name, { command: ['test', 'init'] })).close();
  const before = await pondState(dir);
  const svc = new LocalPondService({ mode: 'browser', appData: join(s.dir, `${name}-app`) });
  const { handle } = await svc.openPath(dir, { client });
  const [source] = await svc.stageHostFiles([big]);
  const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/' });
  const converting = new Promise<void>((resolve) => {
    const stop = svc.jobRunner.subscribe((j) => {
      if (j.kind === 'import' && j.progress.message.startsWith('importing')) {
        stop();
        resolve();
      }
    });
  });
  const [job] = await svc.importRun({ pond: handle, files: [spec], transactions: 'one' });
  await converting;
  return { svc, dir, handle, job: job!, before };
}

function expectCancelledByClose(done: JobInfo): void {
  expect(done.state, JSON.stringify(done.error)).toBe('cancelled');
  expect(done.error?.code).toBe(ErrorCode.Cancelled);
  expect(done.error?.message).toBe('import was cancelled: its pond was closed');
}

describe('a pond closed under a running job', () => {
  it('by its only tab: the import is cancelled first, and the pond is as it was', async () => {
    const { svc, dir, handle, job, before } = await importing('by-tab', 'tab-1');
    try {
      await svc.closePond(handle, { client: 'tab-1' });
      // Closed only once the job has ended: its state is final now.
      expectCancelledByClose(svc.jobRunner.get(job.id));
      expect((await svc.openPonds()).map((p) => p.handle)).not.toContain(handle);
      expect(await pondState(dir)).toBe(before);
    } finally {
      await svc.close();
    }
  });

  it('by its window going away (Electron): the same', async () => {
    const { svc, dir, job, before } = await importing('by-window', 'window-7');
    try {
      await svc.releaseClient('window-7');
      expectCancelledByClose(svc.jobRunner.get(job.id));
      expect(await pondState(dir)).toBe(before);
    } finally {
      await svc.close();
    }
  });
});
