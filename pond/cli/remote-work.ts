import { newJob, type Job } from '../job/job.js';
import { printErr } from './output.js';

/**
 * Runs a long remote operation for the CLI: progress on stderr when it is a terminal, and Ctrl-C
 * cancels (the operation stops between objects and leaves the remote or pond as it was).
 */
export async function withRemoteWork<T>(kind: string, fn: (job: Job) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const tty = process.stderr.isTTY;
  let shown = false;
  try {
    return await fn(
      newJob(kind, controller.signal, (p) => {
        if (!tty) return;
        shown = true;
        process.stderr.write(`\r\x1b[K  ${p.message}`);
      }),
    );
  } finally {
    process.off('SIGINT', onSignal);
    if (shown) printErr('\r\x1b[K');
  }
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}
