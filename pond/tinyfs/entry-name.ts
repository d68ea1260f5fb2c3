import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * The rules for one entry name, checked once where a name enters the pond (every create path),
 * so that whatever the pond accepts can later be copied out, exported or mirrored to any host
 * file system (Linux, macOS, Windows) and printed one entry per line. A name must be:
 * - not empty, not `.` or `..`, without `/`;
 * - valid Unicode, without U+FFFD (the mark left by bytes that were not UTF-8), control
 *   characters (C0, DEL, C1) or line/paragraph separators;
 * - without the characters Windows refuses in a file name (`\ : * ? " < > |`), not ending in a
 *   space or a dot (Windows drops those), and not a Windows device name (CON, PRN, AUX, NUL,
 *   COM0-9, LPT0-9, with or without an extension);
 * - at most 255 bytes of UTF-8 (the limit of ext4, APFS and NTFS alike).
 * `*` and `?` are also pattern syntax, so a name can never be mistaken for a pattern.
 */
export const NAME_MAX_BYTES = 255;

const WINDOWS_FORBIDDEN = /[\\:*?"<>|]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DEVICE = /^(CON|PRN|AUX|NUL|COM[0-9\u00B9\u00B2\u00B3]|LPT[0-9\u00B9\u00B2\u00B3])(\..*)?$/i;

/** Why `name` cannot be an entry name, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name === '.' || name === '..') return `'${name}' means a folder itself or its parent`;
  if (name.includes('/')) return "it contains '/', the path separator";
  if (LONE_SURROGATE.test(name)) return 'it is not valid Unicode';
  if (name.includes('\uFFFD')) return 'it contains U+FFFD, the mark of bytes that were not UTF-8';
  const control = CONTROL.exec(name);
  if (control) return `it contains the control character ${codePoint(control[0])}`;
  const forbidden = WINDOWS_FORBIDDEN.exec(name);
  if (forbidden) return `it contains '${forbidden[0]}', which Windows does not allow in names`;
  if (name.endsWith(' ') || name.endsWith('.'))
    return 'it ends with a space or a dot, which Windows drops';
  if (DEVICE.test(name)) return 'it is a device name on Windows';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > NAME_MAX_BYTES)
    return `it is ${bytes} bytes long in UTF-8; names are limited to ${NAME_MAX_BYTES}`;
  return undefined;
}

/** Throws INVALID_ARGUMENT naming the name (printably) and the reason, unless `name` is valid. */
export function checkName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${printableName(name)} is not a valid name: ${problem}`,
      { input: name },
    );
  }
}

/**
 * A name as it can be shown on one line of an error message: quoted, control characters
 * escaped, and a very long name cut with its length stated.
 */
export function printableName(name: string): string {
  const LIMIT = 60;
  const chars = [...name];
  const shown = chars.length > LIMIT ? chars.slice(0, LIMIT).join('') : name;
  const escaped = shown
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(new RegExp(`${CONTROL.source}|${LONE_SURROGATE.source}`, 'g'), escapeChar);
  return chars.length > LIMIT ? `'${escaped}...' (${chars.length} characters)` : `'${escaped}'`;
}

/** U+007F, or \n for the usual escapes: how a reason names a character. */
function codePoint(c: string): string {
  return NAMED[c] ?? `U+${hex(c, 4)}`;
}

/** \x7f, \u2028, \n: how a name shows a character that cannot be printed. */
function escapeChar(c: string): string {
  return NAMED[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

function hex(c: string, width: number): string {
  return c.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');
}
