/**
 * The ponds a launch names: `Pond /data/caspar` on the command line, or a second launch while the
 * app runs (which hands its ponds to the running app and quits). Free of Electron so it can be
 * tested with plain Node.
 */
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, PondError } from '../shared/errors.js';

export interface LaunchContext {
  /** Electron's `process.defaultApp`: a development run, `electron dist/electron/main.js ...`. */
  defaultApp: boolean;
  /** The launch's working directory, against which relative paths are resolved. */
  cwd: string;
}

/**
 * The pond folders named on a command line: the arguments after the executable (and, in a
 * development run, after the app's script), resolved against the working directory. Switches
 * (`--no-sandbox`, Chromium's own, macOS's `-psn_...`) are not ponds, wherever they are: a tool
 * may put its own before the script (Playwright: `--remote-debugging-port=0 main.js`).
 */
export function pondPathsFromArgv(argv: readonly string[], ctx: LaunchContext): string[] {
  const positional = argv.slice(1).filter((a) => a !== '' && !a.startsWith('-'));
  return (ctx.defaultApp ? positional.slice(1) : positional).map((a) => resolve(ctx.cwd, a));
}

/**
 * What a second launch sends the running app (`app.requestSingleInstanceLock(data)`): its ponds,
 * already resolved against its own working directory. Electron's own `argv` of the
 * `second-instance` event is not used: Chromium reorders it and appends switches.
 */
export interface SecondLaunch {
  ponds: string[];
}

const MAX_PONDS = 64;

/** Reads a second launch's data, which comes from another process: absolute paths only. */
export function pondPathsFromSecondLaunch(data: unknown): string[] {
  const ponds = (data as Partial<SecondLaunch> | null | undefined)?.ponds;
  const valid =
    Array.isArray(ponds) &&
    ponds.length <= MAX_PONDS &&
    ponds.every((p) => typeof p === 'string' && isAbsolute(p) && !p.includes('\0'));
  if (!valid) {
    const input = JSON.stringify(data)?.slice(0, 200) ?? String(data);
    throw new PondError(
      ErrorCode.InvalidArgument,
      `a second launch of the app sent ponds this app cannot read (expected { ponds: [absolute paths] }): ${input}`,
      { input },
    );
  }
  return ponds as string[];
}
