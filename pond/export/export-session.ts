import { PROGRESS_SETTINGS } from '../duckdb/query-progress.js';
import type { DuckSession } from '../duckdb/session.js';
import type { Job } from '../job/job.js';
import type { Pond } from '../tlogfs/pond.js';

/**
 * A DuckDB connection of an export's own, beside the pond's main one: its long COPY does not
 * hold up the other reads of the process (the app's tree and previews), it reports progress,
 * and a cancel interrupts it and nothing else.
 */
export async function exportSession(pond: Pond, job: Job): Promise<DuckSession> {
  const session = await pond.session.connect();
  try {
    for (const s of PROGRESS_SETTINGS) await session.run(s);
  } catch (e) {
    session.close();
    throw e;
  }
  job.onCancel(() => session.interrupt());
  return session;
}
