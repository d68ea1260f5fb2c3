import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseUrl } from '../query/url.js';
import { isInside as inside, realpathOfDeepest } from '../tlogfs/real-paths.js';

/**
 * Where exports from the app may write, and which host templates they may read (DESIGN §6: the
 * UI names host paths only through native dialogs, or under `pond serve`'s export root).
 *
 * - Under `pond serve --export-root DIR`: an output folder is relative to DIR or absolute, and
 *   after resolving `..` and symlinks (of the part that exists) it must lie inside DIR.
 * - In the desktop app: a folder the user picked in the native dialog (or one below it), or the
 *   folder of a profile stored in the pond; host templates only as picked in a dialog.
 * - `pond serve` without an export root: no export from the browser writes anywhere.
 */
export class ExportDestinations {
  private readonly folders = new Set<string>();
  private readonly files = new Set<string>();

  private constructor(
    private readonly root: string | undefined,
    private readonly dialogs: boolean,
  ) {}

  /**
   * `exportRoot` (pond serve) must be an existing folder; it is kept with its symlinks resolved.
   * `dialogs`: the desktop app, where folders come from native dialogs.
   */
  static async create(options: {
    exportRoot?: string;
    dialogs: boolean;
  }): Promise<ExportDestinations> {
    const exportRoot = options.exportRoot;
    if (exportRoot === undefined) return new ExportDestinations(undefined, options.dialogs);
    let real: string;
    try {
      real = await realpath(resolve(exportRoot));
    } catch {
      throw new PondError(
        ErrorCode.NotFound,
        `--export-root ${exportRoot} does not exist: make the folder first`,
        { input: exportRoot },
      );
    }
    return new ExportDestinations(real, options.dialogs);
  }

  /** The export root, as shown to the user. */
  get exportRoot(): string | undefined {
    return this.root;
  }

  /** A folder picked in a native dialog (or read from a stored profile) may be written. */
  async grantFolder(path: string): Promise<void> {
    this.folders.add(await realpathOfDeepest(resolve(path)));
  }

  /** A template file picked in a native dialog may be read. */
  async grantFile(path: string): Promise<void> {
    this.files.add(await realpathOfDeepest(resolve(path)));
  }

  /** The absolute output folder for `dir`, or a PATH_ESCAPE / UNSUPPORTED error saying why not. */
  async outputFolder(dir: string): Promise<string> {
    if (dir.trim() === '' || dir.includes('\0')) {
      throw new PondError(ErrorCode.InvalidArgument, 'choose an output folder', { input: dir });
    }
    if (this.root !== undefined) {
      const wanted = isAbsolute(dir) ? resolve(dir) : resolve(this.root, dir);
      const real = await realpathOfDeepest(wanted);
      if (!inside(this.root, real)) {
        throw new PondError(
          ErrorCode.PathEscape,
          `output folder '${dir}' is outside the export root ${this.root}${real !== wanted ? ` (it resolves to ${real})` : ''}: exports from the browser go only under the folder pond serve was started with (--export-root)`,
          { input: dir },
        );
      }
      return real;
    }
    if (!this.dialogs) {
      throw new PondError(
        ErrorCode.Unsupported,
        `cannot export to '${dir}': pond serve was started without --export-root, so exports from the browser are off (restart it with --export-root DIR)`,
        { input: dir },
      );
    }
    const real = await realpathOfDeepest(resolve(dir));
    if (!isAbsolute(dir) || ![...this.folders].some((f) => inside(f, real))) {
      throw new PondError(
        ErrorCode.PathEscape,
        `output folder '${dir}' was not chosen in the folder dialog: choose it with Choose folder…`,
        { input: dir },
      );
    }
    return real;
  }

  /** Refuses host templates the user did not pick (pond paths are always fine). */
  async checkTemplate(label: string): Promise<void> {
    if (!label.includes('://')) return;
    const url = parseUrl(label);
    if (!url.host) return;
    const real = await realpathOfDeepest(resolve('/', url.path));
    if (!this.files.has(real)) {
      throw new PondError(
        ErrorCode.PathEscape,
        `template ${label} is a host file the app was not given: ${this.dialogs ? 'choose it with Choose file…' : 'under pond serve, put templates in the pond (pond copy host:///page.md.njk /etc/exports/)'}`,
        { input: label },
      );
    }
  }
}
