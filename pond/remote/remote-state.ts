import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { remotesDir, writeRemoteFile } from './remote-config.js';

/** The outcome of the last push or pull of a remote, kept in `<pond>/remotes/<name>.state.json`. */
export interface SyncRecord {
  /** When it ended, ISO-8601 UTC. */
  at: string;
  ok: boolean;
  /** Automatic (after a commit) or asked for. */
  auto: boolean;
  /** The version both sides held afterwards (on success). */
  version?: number;
  objects?: number;
  bytes?: number;
  /** Why it failed. */
  error?: string;
}

export interface RemoteState {
  lastPush?: SyncRecord;
  lastPull?: SyncRecord;
  /** The last successful push, kept when later ones fail (an empty remote then means trouble). */
  lastPushed?: { at: string; version: number };
}

export async function readRemoteState(pondRoot: string, name: string): Promise<RemoteState> {
  try {
    return JSON.parse(
      await readFile(join(remotesDir(pondRoot), `${name}.state.json`), 'utf8'),
    ) as RemoteState;
  } catch {
    // Informational only: a missing or unreadable state is no state.
    return {};
  }
}

export async function recordSync(
  pondRoot: string,
  name: string,
  kind: 'push' | 'pull',
  record: SyncRecord,
): Promise<void> {
  const state = await readRemoteState(pondRoot, name);
  if (kind === 'push') {
    state.lastPush = record;
    if (record.ok && record.version !== undefined)
      state.lastPushed = { at: record.at, version: record.version };
  } else state.lastPull = record;
  await writeRemoteFile(pondRoot, `${name}.state.json`, state);
}
