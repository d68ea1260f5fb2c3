import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AddedFile } from '../../../shared/collectors.js';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { isFile, type DirectoryNode, type FileContent } from '../../tinyfs/node.js';
import { joinPath } from '../../tinyfs/path.js';
import { matchWildcard } from '../../tinyfs/glob.js';
import { movePaths } from '../../tinyfs/move.js';
import type { WD } from '../../tinyfs/wd.js';
import { BlobStore } from '../../tlogfs/blob-store.js';
import type { RunContext, RunJob, RunResult } from '../executable.js';
import { changedWhileRead, matchHostFiles, openSeen, type HostFile } from './host-files.js';
import { firstDifferentPart, mirroredFile, type MirroredFile } from './prefix.js';

export interface LogfileConfig {
  archivedPattern: string;
  activePattern: string;
  pondPath: string;
}

/**
 * One logfile-ingest run (reference §4.2, the original's crates/provider/src/factory/
 * logfile_ingest.rs), all in one transaction so it plans against exactly what it changes:
 * - a host file the pond does not hold is copied whole (a data file named as on the host);
 * - the active file that grew gets only its new bytes, as a version continuing the last (after
 *   checking that its first bytes are still the ones the pond holds);
 * - the active file that shrank or whose first bytes changed was rotated: a new archived file
 *   that starts with what the pond holds is that file; the pond's copy gets the bytes it missed
 *   and is renamed to the archive's name (history kept), and the new active file is copied whole.
 *   When no archived file explains the change, the file was rewritten: an error, nothing written;
 * - the active file the pond holds that is gone from the host (or is no longer a file) must be
 *   explained by a new archived file the same way (an error otherwise);
 * - an archived file the pond already holds must not have changed (an error otherwise).
 * Sizes are taken once, when the run starts: bytes written later are for the next run.
 */
export async function ingest(ctx: RunContext<LogfileConfig>): Promise<RunResult> {
  const { config: cfg, job } = ctx;
  const active = await matchHostFiles(cfg.activePattern);
  const archived = (await matchHostFiles(cfg.archivedPattern)).filter(
    (f) => !active.some((a) => a.path === f.path),
  );
  checkNames([...archived, ...active]);
  job.log(`${active.length} active and ${archived.length} archived host files`);
  const blobs = new BlobStore(ctx.pond.layout.blobs);
  const staged: string[] = [];
  const stage = async (f: HostFile, start: number, end: number): Promise<FileContent> => {
    const tmp = await blobs.tempPath();
    staged.push(tmp);
    const out = createWriteStream(tmp);
    if (end > start) {
      const handle = await openSeen(f, end);
      try {
        await pipeline(handle.createReadStream({ start, end: end - 1, autoClose: false }), out);
      } finally {
        await handle.close();
      }
      // Cut short in place after it was opened: fewer bytes than the run said it stores.
      if (out.bytesWritten !== end - start)
        throw changedWhileRead(f, `${out.bytesWritten} of ${end - start} bytes from ${start} read`);
    } else await pipeline(async function* () {}, out);
    return { hostPath: tmp };
  };
  const report: Report = { added: [], rotated: [], unchanged: 0 };
  try {
    await ctx.write(async (txn) => {
      Object.assign(report, { added: [], rotated: [], unchanged: 0 });
      const wd = await txn.wd();
      const dir = await wd.mkdir(cfg.pondPath, { parents: true });
      const held = await heldFiles(dir);
      for (const f of active) {
        const mine = held.get(f.name);
        if (!mine) continue;
        const differs = await firstDifferentPart(f, mine);
        if (!differs) continue;
        const to = await rotatedTo(archived, held, mine);
        if (!to) throw rewritten(cfg, f, mine, differs);
        // The new active file is copied whole below, as a new node.
        await keepAsArchive(wd, cfg, f.name, mine, to, held, stage, report, job);
      }
      // An active file that is gone from the host (rotated, its successor not made yet).
      for (const [name, mine] of [...held]) {
        if (mine.rotatedHere || !isActiveName(cfg, name) || active.some((a) => a.name === name))
          continue;
        const to = await rotatedTo(archived, held, mine);
        // Deleted, renamed out of both patterns, or made a directory: nothing says where its
        // bytes went, so a run that went on would report "nothing new" over a lost log.
        if (!to) throw await vanished(cfg, name, mine);
        // Its successor is copied whole when it comes, as a new node.
        await keepAsArchive(wd, cfg, name, mine, to, held, stage, report, job);
      }
      for (const f of archived) {
        const mine = held.get(f.name);
        if (mine?.rotatedHere) continue;
        if (mine) {
          await checkArchivedUnchanged(f, mine);
          report.unchanged++;
          continue;
        }
        await write(wd, cfg, f.name, await stage(f, 0, f.size), false, f.size, report, job);
      }
      for (const f of active) {
        const mine = held.get(f.name);
        if (!mine) {
          await write(wd, cfg, f.name, await stage(f, 0, f.size), false, f.size, report, job);
        } else if (f.size > mine.size) {
          const content = await stage(f, mine.size, f.size);
          await write(wd, cfg, f.name, content, true, f.size - mine.size, report, job);
        } else {
          report.unchanged++;
        }
      }
    });
  } finally {
    for (const s of staged) await rm(s, { force: true });
  }
  return { summary: summary(report), added: report.added, failures: [] };
}

interface Report {
  added: AddedFile[];
  rotated: string[];
  unchanged: number;
}

type Stage = (f: HostFile, start: number, end: number) => Promise<FileContent>;

/** The data files of the pond folder, as mirrored files. */
async function heldFiles(dir: DirectoryNode): Promise<Map<string, MirroredFile>> {
  const out = new Map<string, MirroredFile>();
  for (const e of await dir.entries()) {
    const node = await dir.child(e.name);
    if (node && isFile(node) && node.type === 'data' && e.factory === undefined)
      out.set(e.name, mirroredFile(await node.versions()));
  }
  return out;
}

/** The new archived file (one the pond does not hold) that starts with the bytes the pond holds. */
async function rotatedTo(
  archived: HostFile[],
  held: Map<string, MirroredFile>,
  mine: MirroredFile,
): Promise<HostFile | undefined> {
  for (const a of archived) {
    if (held.has(a.name)) continue;
    if (!(await firstDifferentPart(a, mine))) return a;
  }
  return undefined;
}

function rewritten(
  cfg: LogfileConfig,
  f: HostFile,
  mine: MirroredFile,
  differs: { offset: number; size: number },
): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `${f.path} was rewritten: bytes ${differs.offset} to ${differs.offset + differs.size} are not what ${joinPath(cfg.pondPath, f.name)} holds (${mine.size} bytes; the file now has ${f.size}), and no new file of archived_pattern ${cfg.archivedPattern} starts with them; prefix verification failed, nothing was ingested`,
    { input: f.path },
  );
}

/** The error for an active file the pond holds that the host no longer has as a file. */
async function vanished(cfg: LogfileConfig, name: string, mine: MirroredFile): Promise<PondError> {
  const path = join(dirname(cfg.activePattern), name);
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => e.code ?? 'unreadable');
  const found =
    typeof st === 'string'
      ? st === 'ENOENT'
        ? 'is gone from the host (no such file)'
        : `cannot be read (${st})`
      : st.isDirectory()
        ? 'is now a directory'
        : 'is no longer a regular file';
  return new PondError(
    ErrorCode.BadInput,
    `active file ${path} ${found} and no new file of archived_pattern ${cfg.archivedPattern} starts with the ${mine.size} bytes ${joinPath(cfg.pondPath, name)} holds; nothing was ingested (if it was removed on purpose, rename the pond's copy with pond mv)`,
    { input: path },
  );
}

/**
 * The active file was rotated to `to`: the pond's copy gets the bytes it missed, then is renamed
 * to the archive's name, keeping its history (as the original does).
 */
async function keepAsArchive(
  wd: WD,
  cfg: LogfileConfig,
  name: string,
  mine: MirroredFile,
  to: HostFile,
  held: Map<string, MirroredFile>,
  stage: Stage,
  report: Report,
  job: RunJob,
): Promise<void> {
  const oldPath = joinPath(cfg.pondPath, name);
  const newPath = joinPath(cfg.pondPath, to.name);
  if (to.size > mine.size) {
    await wd.writeFile(oldPath, 'data', {
      ...(await stage(to, mine.size, to.size)),
      continues: true,
    });
  }
  await movePaths(wd, [oldPath], newPath);
  job.log(`${name} was rotated to ${to.name} (+${to.size - mine.size} bytes it missed)`);
  held.set(to.name, { parts: [], size: to.size, versions: 0, rotatedHere: true });
  held.delete(name);
  report.rotated.push(`${name} -> ${to.name}`);
  const versions = await (await wd.getFile(newPath)).versions();
  report.added.push({ path: newPath, bytes: to.size - mine.size, version: versions.length });
}

function isActiveName(cfg: LogfileConfig, name: string): boolean {
  return matchWildcard(basename(cfg.activePattern).split('*'), name) !== undefined;
}

async function checkArchivedUnchanged(f: HostFile, mine: MirroredFile): Promise<void> {
  const differs =
    f.size !== mine.size
      ? { offset: Math.min(f.size, mine.size), size: Math.abs(f.size - mine.size) }
      : await firstDifferentPart(f, mine);
  if (differs) {
    throw new PondError(
      ErrorCode.BadInput,
      `archived file ${f.path} changed since the pond copied it (${mine.size} bytes then, ${f.size} now; bytes from ${differs.offset} differ); archived files must not change, nothing was ingested`,
      { input: f.path },
    );
  }
}

async function write(
  wd: WD,
  cfg: LogfileConfig,
  name: string,
  content: FileContent,
  continues: boolean,
  bytes: number,
  report: Report,
  job: RunJob,
): Promise<void> {
  const path = joinPath(cfg.pondPath, name);
  const found = await wd.lookup(path);
  if (found.found && (!isFile(found.node) || found.node.type !== 'data')) {
    throw new PondError(
      ErrorCode.WrongType,
      `'${path}' is a ${found.node.type}; logfile-ingest mirrors host files into data files`,
      { input: path },
    );
  }
  const { node } = await wd.writeFile(path, 'data', { ...content, continues });
  const version = (await node.versions()).length;
  job.log(`${name}: ${continues ? 'appended' : 'copied'} ${bytes} bytes (version ${version})`);
  report.added.push({ path, bytes, version });
}

/** Two host files with one name would be one pond file. */
function checkNames(files: HostFile[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.name);
    if (other !== undefined && other !== f.path) {
      throw new PondError(
        ErrorCode.BadConfig,
        `${other} and ${f.path} would both be mirrored as '${f.name}'`,
        { input: f.path },
      );
    }
    seen.set(f.name, f.path);
  }
}

function summary(r: Report): string {
  const bytes = r.added.reduce((n, a) => n + (a.bytes ?? 0), 0);
  const parts = [
    r.added.length > 0
      ? `${bytes} bytes into ${r.added.length} file${r.added.length === 1 ? '' : 's'}`
      : 'nothing new',
  ];
  if (r.rotated.length > 0) parts.push(`rotated ${r.rotated.join(', ')}`);
  if (r.unchanged > 0) parts.push(`${r.unchanged} unchanged`);
  return parts.join('; ');
}
