/**
 * What the app does before it quits, within a time limit: cancel the running jobs (so the demo
 * pond's build removes its half-built folder, an export its staged files), wait for them to end,
 * then close every pond. A job or a pond that does not finish in time (a hung query) must not
 * keep the app from quitting: the wait is bounded, and a pond's unfinished transaction is safe to
 * abandon (a commit is published last, so the pond stays as it was before it). Free of Electron
 * so it can be tested with plain Node.
 */
import type { LocalPondService } from '../pond/service/pond-service.js';

/** How long quitting waits for jobs and ponds to close. */
export const QUIT_TIMEOUT_MS = 5_000;

export interface ShutdownResult {
  /** Kinds of the jobs that were running and were cancelled. */
  cancelled: string[];
  /** True when the jobs or the ponds had not closed within the time limit. */
  timedOut: boolean;
}

export async function shutDown(
  service: LocalPondService,
  timeoutMs: number = QUIT_TIMEOUT_MS,
): Promise<ShutdownResult> {
  const running = (await service.jobs()).filter((j) => j.state === 'running');
  for (const job of running) await service.cancelJob(job.id);
  const closing = (async () => {
    await Promise.all(running.map((job) => service.jobRunner.wait(job.id)));
    await service.close();
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([closing.then(() => 'closed' as const), deadline]);
    if (outcome === 'timeout') {
      // The app quits without waiting; a late failure can only be logged.
      closing.catch((e: unknown) =>
        console.error(`pond: closing after the quit timeout: ${String(e)}`),
      );
    }
    return { cancelled: running.map((j) => j.kind), timedOut: outcome === 'timeout' };
  } finally {
    clearTimeout(timer);
  }
}
