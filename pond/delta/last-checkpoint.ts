import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { logDir } from './log-listing.js';
import { syncFile } from './durable-files.js';

/**
 * `_delta_log/_last_checkpoint` (PROTOCOL "Last Checkpoint File"): a hint that points near the
 * end of the log. It is only a hint: a missing, corrupt or stale one must not stop a read, so
 * reading returns undefined for anything unusable and the caller lists the log instead.
 */

export const LAST_CHECKPOINT = '_last_checkpoint';

export interface LastCheckpoint {
  version: number;
  /** Number of actions (rows) in the checkpoint. */
  size: number;
  parts?: number;
  sizeInBytes?: number;
  numOfAddFiles?: number;
}

export async function readLastCheckpoint(root: string): Promise<LastCheckpoint | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(logDir(root), LAST_CHECKPOINT), 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const isCount = (v: unknown): v is number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!isCount(o['version']) || !isCount(o['size'])) return undefined;
  const hint: LastCheckpoint = { version: o['version'], size: o['size'] };
  if (o['parts'] !== undefined && o['parts'] !== null) {
    if (!isCount(o['parts']) || o['parts'] < 1) return undefined;
    hint.parts = o['parts'];
  }
  return hint;
}

/** Replaces the hint atomically (temp file + rename), after the checkpoint itself is in place. */
export async function writeLastCheckpoint(root: string, hint: LastCheckpoint): Promise<void> {
  const dir = logDir(root);
  const tmp = path.join(dir, `_last_checkpoint_${randomUUID()}.tmp`);
  await fs.writeFile(tmp, JSON.stringify(hint));
  try {
    // Synced first, so a power loss leaves the old hint or the new one, never an empty file.
    await syncFile(tmp);
    await fs.rename(tmp, path.join(dir, LAST_CHECKPOINT));
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
