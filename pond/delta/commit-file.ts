import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { type Action, parseAction } from './actions.js';
import { LOG_DIR, commitFileName, logDir } from './log-listing.js';

/** Reading one JSON commit (newline-delimited actions, PROTOCOL "Delta Log Entries"). */

export interface CommitContent {
  version: number;
  actions: Action[];
  /** The commit file's modification time: the version's timestamp for time travel. */
  mtimeMs: number;
}

/** Parses the text of a commit. A line that is not a complete JSON action is corruption. */
export function parseCommit(text: string, version: number): Action[] {
  const file = `${LOG_DIR}/${commitFileName(version)}`;
  const actions: Action[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `${file} (version ${version}) line ${i + 1} is not valid JSON (truncated commit?)`,
        { input: line.length > 200 ? `${line.slice(0, 200)}...` : line, cause: e },
      );
    }
    const action = parseAction(json, { file, version });
    if (action) actions.push(action);
  }
  return actions;
}

/** Reads commit `version`; undefined when the file does not exist. */
export async function readCommitFile(
  root: string,
  version: number,
): Promise<CommitContent | undefined> {
  const file = path.join(logDir(root), commitFileName(version));
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const [stat, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    return { version, actions: parseCommit(text, version), mtimeMs: Math.floor(stat.mtimeMs) };
  } finally {
    await handle.close();
  }
}

/** Reads commits `from`, `from+1`, ... up to `to` (inclusive), all of which must exist. */
export async function readCommitRange(
  root: string,
  from: number,
  to: number,
): Promise<CommitContent[]> {
  const out: CommitContent[] = [];
  // Bounded parallelism: fast on long ranges without opening thousands of files at once.
  const batch = 16;
  for (let start = from; start <= to; start += batch) {
    const versions = Array.from({ length: Math.min(batch, to - start + 1) }, (_, i) => start + i);
    const read = await Promise.all(versions.map((v) => readCommitFile(root, v)));
    read.forEach((c, i) => {
      if (!c) throw missingVersion(root, versions[i]!);
      out.push(c);
    });
  }
  return out;
}

/** Reads the commits after `after` until the first version that does not exist. */
export async function readCommitsAfter(root: string, after: number): Promise<CommitContent[]> {
  const out: CommitContent[] = [];
  for (let v = after + 1; ; v++) {
    const c = await readCommitFile(root, v);
    if (!c) return out;
    out.push(c);
  }
}

export function missingVersion(root: string, version: number): PondError {
  return new PondError(
    ErrorCode.DeltaCorrupt,
    `Delta log of ${root} is missing version ${version} (${LOG_DIR}/${commitFileName(version)}): versions must be contiguous`,
    { input: path.join(logDir(root), commitFileName(version)) },
  );
}
