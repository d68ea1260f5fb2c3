import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { abandonPendingList, removePendingList, writePendingList } from './pending-list.js';
import { publish } from './staging.js';

/** A staged file or folder and its place, relative to the output folder (`/`-separated). */
export interface StagedOutput {
  from: string;
  to: string;
}

/**
 * Moves an export's staged output into place, export.json last. The pending list naming every
 * file is written first, so an export killed midway leaves a record of what it published;
 * it is removed once export.json (which lists those files) is in place, with the lists of
 * exports that ended before (`abandoned`), whose files the new export.json lists too.
 */
export async function publishOutput(
  outDir: string,
  pond: string,
  staged: readonly StagedOutput[],
  abandoned: readonly string[],
): Promise<void> {
  const files: { path: string; host: string }[] = [];
  for (const s of staged) files.push(...(await filesOf(s.from, s.to)));
  const list = await writePendingList(outDir, pond, files);
  try {
    for (const s of staged) await publish(s.from, join(outDir, s.to));
  } catch (e) {
    abandonPendingList(list); // its files stay the pond's for the next export
    throw e;
  }
  await removePendingList(list);
  for (const a of abandoned) await removePendingList(a);
}

/** The files of a staged file or folder, each with the relative path it gets. */
async function filesOf(host: string, path: string): Promise<{ path: string; host: string }[]> {
  let entries;
  try {
    entries = await readdir(host, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return [{ path, host }];
    throw e;
  }
  const out: { path: string; host: string }[] = [];
  for (const e of entries) out.push(...(await filesOf(join(host, e.name), `${path}/${e.name}`)));
  return out;
}
