import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImportSource } from '../../shared/app-import.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ImportPlan } from '../../shared/import.js';
import { DuckSession } from '../duckdb/session.js';
import { WIZARD_FIELDS } from '../import/import-advice.js';
import { SniffAhead } from '../import/sniff-ahead.js';
import { discardStaged, type StagedConversion } from '../import/staged-conversion.js';
import { ownStagingFolder } from '../tlogfs/staging.js';
import { CSV_NAMES, sourceUrl } from './import-command.js';
import type { OpenPond } from './pond-registry.js';

/** A staged file the wizard names by id, and where it is on the host. */
export interface StagedSource {
  info: ImportSource;
  /** The folder `pond copy -d` resolves its URL in: the file is `folder/<name>`. */
  folder: string;
  /** An upload: the service made `folder` and removes it on release. */
  owned: boolean;
  /** The pond whose staging holds an upload. */
  pond: string | undefined;
  /** The plan of each previewed spec (by spec key), so the run imports what was previewed. */
  plans: Map<string, ImportPlan>;
  /** Its sniffs, the first started when it was staged, kept for every plan of it (SniffAhead). */
  sniffs: SniffAhead;
  /** The latest preview's conversion, for a run of its spec (staged-conversion.ts). */
  conversion: { pond: string; key: string; staged: StagedConversion } | undefined;
  lastUsed: number;
  /** Running imports using it: it is not released under them. */
  holds: number;
  releaseWhenFree: boolean;
}

/** How long a staged upload nobody uses is kept (the page that uploaded it went away). */
export const DEFAULT_SOURCE_IDLE_MS = 10 * 60_000;

/**
 * The host files the app was handed for import, by opaque id: uploads under `pond serve`
 * (streamed into the pond's own staging folder, which `maintain` never touches while this process
 * lives) and files the desktop app's user dropped or chose (used where they are, never changed).
 * An upload is removed when the wizard releases it, when the import that used it succeeds, when
 * nobody used it for `idleMs` (its page went away), when its pond closes and when the service
 * stops; a process killed outright leaves it to `maintain`, as any staged file.
 */
export class ImportSources {
  private readonly byId = new Map<string, StagedSource>();
  private readonly sweeper: NodeJS.Timeout;
  /**
   * Where staged files are sniffed: DuckDB of its own, as a host file is staged before the wizard
   * names a pond (loaded with the first CSV file staged).
   */
  private readonly sniffing = DuckSession.lazy();

  constructor(private readonly idleMs = DEFAULT_SOURCE_IDLE_MS) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(60_000, idleMs / 4));
    this.sweeper.unref();
  }

  /**
   * Streams an upload into the pond's staging: at most `size` bytes are taken and exactly `size`
   * must arrive; a body cut short or refused leaves nothing behind.
   */
  async receive(
    open: OpenPond,
    name: string,
    size: number,
    body: Readable,
    signal?: AbortSignal,
  ): Promise<ImportSource> {
    checkFileName(name, name);
    const folder = join(await ownStagingFolder(open.pond.layout.blobs), `upload-${randomUUID()}`);
    await mkdir(folder);
    const file = join(folder, name);
    try {
      await checkRoom(folder, size, name);
      let received = 0;
      body.on('data', (chunk: Buffer) => (received += chunk.length));
      await pipeline(body, createWriteStream(file, { flags: 'wx' }), signal ? { signal } : {});
      if (received !== size) {
        throw new PondError(
          ErrorCode.BadInput,
          `the upload of ${name} ended after ${received} of its ${size} bytes`,
          { input: name },
        );
      }
      return this.add(folder, name, size, await formatOf(file), true, open.handle);
    } catch (e) {
      await rm(folder, { recursive: true, force: true });
      throw e;
    }
  }

  /** A host file the desktop app's user dropped or chose: checked, and used where it is. */
  async addHostFile(path: string): Promise<ImportSource> {
    if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) {
      throw new PondError(ErrorCode.InvalidArgument, `'${String(path)}' is not a host file path`, {
        input: String(path),
      });
    }
    const name = basename(path);
    checkFileName(name, path);
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new PondError(
        e.code === 'ENOENT' ? ErrorCode.NotFound : ErrorCode.HostIo,
        `cannot import ${path}: ${e.code === 'ENOENT' ? 'it does not exist' : e.message}`,
        { input: path, cause: e },
      );
    });
    if (st.isDirectory()) {
      throw new PondError(
        ErrorCode.WrongType,
        `${path} is a folder: drop or choose the files in it (or copy the folder with pond copy)`,
        { input: path },
      );
    }
    if (!st.isFile()) {
      throw new PondError(ErrorCode.WrongType, `${path} is not a regular file`, { input: path });
    }
    return this.add(dirname(path), name, st.size, await formatOf(path), false, undefined);
  }

  /** The staged file behind an id (the wizard still uses it). */
  get(id: string): StagedSource {
    const s = this.byId.get(id);
    if (!s) {
      throw new PondError(
        ErrorCode.NotFound,
        `the file to import is no longer staged (it was imported, released, or not used for ${Math.round(this.idleMs / 60_000)} minutes): drop or choose it again`,
        { input: id },
      );
    }
    s.lastUsed = Date.now();
    return s;
  }

  /** Keeps sources while an import runs; the function given back lets them go. */
  hold(ids: string[]): () => Promise<void> {
    const held = ids.map((id) => this.get(id));
    for (const s of held) s.holds++;
    return async () => {
      for (const s of held) {
        s.holds--;
        s.lastUsed = Date.now();
        if (s.holds === 0 && s.releaseWhenFree) await this.drop(s);
      }
    };
  }

  /** The wizard is done with these: uploads are removed (at once, or when their import ends). */
  async release(ids: string[]): Promise<void> {
    for (const id of ids) {
      const s = this.byId.get(id);
      if (!s) continue;
      if (s.holds > 0) s.releaseWhenFree = true;
      else await this.drop(s);
    }
  }

  /** Of these, the uploads (their import is in the pond: they are not needed again). */
  async releaseUploads(ids: string[]): Promise<void> {
    await this.release(ids.filter((id) => this.byId.get(id)?.owned));
  }

  /**
   * Keeps the conversion of a spec's preview in a pond (`key` names the spec there) for its
   * run, in place of the source's previous one: the wizard shows one plan per file, so only the
   * latest can be run as previewed.
   */
  async keepConversion(
    s: StagedSource,
    pond: string,
    key: string,
    staged: StagedConversion | undefined,
  ): Promise<void> {
    const previous = s.conversion;
    s.conversion = staged && { pond, key, staged };
    if (previous) await discardStaged(previous.staged);
    // Dropped while the preview ran: nobody would discard it.
    if (!this.byId.has(s.info.id)) await this.discardConversion(s);
  }

  /** The conversion kept for `key`, now the caller's; any other is discarded. */
  async takeConversion(s: StagedSource, key: string): Promise<StagedConversion | undefined> {
    const kept = s.conversion;
    s.conversion = undefined;
    if (kept?.key === key) return kept.staged;
    if (kept) await discardStaged(kept.staged);
    return undefined;
  }

  /** The uploads staged in a pond that is closing, and the conversions staged in it. */
  async closePond(handle: string): Promise<void> {
    await this.release([...this.byId.values()].filter((s) => s.pond === handle).map(idOf));
    for (const s of this.byId.values())
      if (s.conversion?.pond === handle) await this.discardConversion(s);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    for (const s of [...this.byId.values()]) await this.drop(s);
    this.sniffing.close();
  }

  /** Ids staged now (tests). */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  private add(
    folder: string,
    name: string,
    size: number,
    format: ImportSource['format'],
    owned: boolean,
    pond: string | undefined,
  ): ImportSource {
    const info: ImportSource = { id: randomUUID(), name, size, format };
    this.byId.set(info.id, {
      info,
      folder,
      owned,
      pond,
      plans: new Map(),
      sniffs: sniffStaged(this.sniffing, info, folder),
      conversion: undefined,
      lastUsed: Date.now(),
      holds: 0,
      releaseWhenFree: false,
    });
    return { ...info };
  }

  private async drop(s: StagedSource): Promise<void> {
    this.byId.delete(s.info.id);
    await s.sniffs.close();
    await this.discardConversion(s);
    if (s.owned) await rm(s.folder, { recursive: true, force: true });
  }

  private async discardConversion(s: StagedSource): Promise<void> {
    const kept = s.conversion;
    s.conversion = undefined;
    if (kept) await discardStaged(kept.staged);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const s of [...this.byId.values()]) {
      if (s.holds === 0 && now - s.lastUsed > this.idleMs)
        await this.drop(s).catch(() => undefined);
    }
  }
}

/**
 * Starts sniffing a staged file as the wizard's proposal will first plan it (as a table, with no
 * choices made: ImportService.guess), while the wizard asks for the proposal; the plans of that
 * proposal and of the previews take the sniff while the file is unchanged. A file the wizard
 * proposes as data is not sniffed.
 */
function sniffStaged(session: DuckSession, info: ImportSource, folder: string): SniffAhead {
  const csv = info.format === 'csv' && CSV_NAMES.test(info.name);
  const sources = csv ? [sourceUrl(info, 'table')] : [];
  return SniffAhead.start(
    session,
    { sources, hostRoot: folder, advice: WIZARD_FIELDS },
    { keep: true },
  );
}

function idOf(s: StagedSource): string {
  return s.info.id;
}

/**
 * The name becomes the path of a `host:///NAME` URL (as `pond copy` would name the file), so it
 * must be one plain file name: no folders, no control characters, and no `#` or `?`, which a URL
 * reads as a fragment or a query.
 */
function checkFileName(name: string, input: string): void {
  const problem = fileNameProblem(name);
  if (problem) throw new PondError(ErrorCode.InvalidArgument, `'${name}' ${problem}`, { input });
}

function fileNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return 'is not a file name';
  if (/[/\\]/.test(name)) return 'holds a folder separator';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds a control character';
  if (/[#?]/.test(name))
    return "holds '#' or '?', which pond copy's host:/// URLs cannot name: rename the file";
  if (Buffer.byteLength(name) > 255) return 'is longer than 255 bytes';
  return undefined;
}

/** Refuses an upload the disk cannot hold, before a byte is written. */
async function checkRoom(folder: string, size: number, name: string): Promise<void> {
  const fs = await statfs(folder);
  const free = fs.bavail * fs.bsize;
  if (size > free) {
    throw new PondError(
      ErrorCode.HostIo,
      `${name} (${mib(size)}) does not fit: the pond's disk has ${mib(free)} free`,
      { input: name },
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Parquet by its magic bytes at both ends; anything else is offered as CSV (or as data). */
async function formatOf(file: string): Promise<ImportSource['format']> {
  const f = await open(file, 'r');
  try {
    const { size } = await f.stat();
    if (size < 12) return 'csv';
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await f.read(head, 0, 4, 0);
    await f.read(tail, 0, 4, size - 4);
    return head.toString('latin1') === 'PAR1' && tail.toString('latin1') === 'PAR1'
      ? 'parquet'
      : 'csv';
  } finally {
    await f.close();
  }
}
