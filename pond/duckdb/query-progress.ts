import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The settings under which DuckDB tracks a running query's progress (`connection.progress`),
 * without drawing its terminal progress bar on stderr.
 */
export const PROGRESS_SETTINGS = [
  'SET enable_progress_bar = true',
  'SET enable_progress_bar_print = false',
];

const POLL_MS = 250;

/**
 * Runs `work` (a query on `connection`) and reports the query's progress, 0-100, every quarter
 * second while it runs. DuckDB answers -1 while it cannot estimate; those polls are skipped.
 */
export async function withQueryProgress<T>(
  connection: DuckDBConnection,
  work: () => Promise<T>,
  report: (percent: number) => void,
): Promise<T> {
  let last = -1;
  const timer = setInterval(() => {
    const p = connection.progress.percentage;
    if (p >= 0 && p !== last) {
      last = p;
      try {
        report(Math.min(100, p));
      } catch {
        // A cancelled job's progress throws; its cancel hook interrupts the query itself.
      }
    }
  }, POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
