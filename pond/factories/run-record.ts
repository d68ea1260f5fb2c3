import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../../shared/collectors.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { PondLayout } from '../tlogfs/layout.js';
import { ownerIsDead } from '../tlogfs/owner-process.js';

/**
 * The last run of each executable node, kept in the pond's cache folder
 * (`cache/runs/<node id>.json`) so the app shows runs made by cron beside its own. A run that
 * finds nothing new commits nothing, so the pond's log alone cannot say when a collector last
 * ran. Losing the folder loses only this summary, never data.
 */

/** Lines of a run's log kept with its record. */
export const LOG_LINES_KEPT = 200;

function recordPath(layout: PondLayout, nodeId: string): string {
  return join(layout.cache, 'runs', `${nodeId}.json`);
}

/** Writes a run's record (a temp file renamed over the last one: readers never see half). */
export async function saveRunRecord(layout: PondLayout, record: RunRecord): Promise<void> {
  const path = recordPath(layout, record.nodeId);
  await mkdir(join(layout.cache, 'runs'), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const kept = { ...record, log: record.log.slice(-LOG_LINES_KEPT) };
  try {
    await writeFile(tmp, JSON.stringify(kept, null, 1));
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The last run of a node, if it ever ran; a `running` one whose process is gone is `interrupted`. */
export async function loadRunRecord(
  layout: PondLayout,
  nodeId: string,
): Promise<RunRecord | undefined> {
  const text = await readFile(recordPath(layout, nodeId), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let record: RunRecord;
  try {
    record = JSON.parse(text) as RunRecord;
  } catch (e) {
    throw new PondError(
      ErrorCode.BadInput,
      `the record of the last run, ${recordPath(layout, nodeId)}, does not read as JSON (remove it; the next run writes it again)`,
      { input: recordPath(layout, nodeId), cause: e },
    );
  }
  if (record.state === 'running' && ownerIsDead({ pid: record.pid, host: record.host }))
    record.interrupted = true;
  return record;
}
