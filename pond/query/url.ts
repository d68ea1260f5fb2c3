import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * Pond URLs (reference §6.2): `[host+]format[+compression][+entrytype]:///path[?query]`.
 * - `host+` means the path is on the host file system, anything else is a pond path;
 * - format: `file` (bytes as stored), `csv`, `delta` (a Delta table on the host, read through
 *   pond/delta), or the entry-type selectors `table`, `series`, `data` (format `file`);
 * - compression: `gzip` or `zstd` (for CSV);
 * - entry type: `table` or `series` (how the bytes are to be treated or stored).
 * A string without `://` is a pond path (`file:///path`).
 */
export type UrlFormat = 'file' | 'csv' | 'delta';
export type UrlEntryType = 'table' | 'series' | 'data';
export type Compression = 'gzip' | 'zstd';

export interface PondUrl {
  raw: string;
  host: boolean;
  format: UrlFormat;
  compression: Compression | undefined;
  entryType: UrlEntryType | undefined;
  /** Absolute path (pond path, or host path when `host`). */
  path: string;
  params: Record<string, string>;
}

const FORMATS: readonly UrlFormat[] = ['file', 'csv', 'delta'];
const ENTRY_TYPES: readonly UrlEntryType[] = ['table', 'series', 'data'];
const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd'];
const NOT_SUPPORTED = ['oteljson', 'excelhtml', 'jsonlogs', 'weblog', 'bzip2'];

export function parseUrl(raw: string): PondUrl {
  const at = raw.indexOf('://');
  if (at < 0) {
    return {
      raw,
      host: false,
      format: 'file',
      compression: undefined,
      entryType: undefined,
      path: raw,
      params: {},
    };
  }
  const bad = (why: string) =>
    new PondError(ErrorCode.InvalidArgument, `bad URL '${raw}': ${why}`, { input: raw });
  const scheme = raw.slice(0, at);
  let rest = raw.slice(at + 3);
  if (!rest.startsWith('/'))
    throw bad('a host name is not allowed; use three slashes (scheme:///path)');
  let params: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    params = Object.fromEntries(new URLSearchParams(rest.slice(q + 1)));
    rest = rest.slice(0, q);
  }
  if (rest.includes('#')) throw bad('fragments are not allowed');
  const segments = scheme.split('+');
  let host = false;
  if (segments[0] === 'host') {
    host = true;
    segments.shift();
  }
  let format: UrlFormat = 'file';
  let compression: Compression | undefined;
  let entryType: UrlEntryType | undefined;
  for (const [i, seg] of segments.entries()) {
    if (NOT_SUPPORTED.includes(seg)) throw bad(`'${seg}' is not supported by this pond`);
    if (i === 0 && FORMATS.includes(seg as UrlFormat)) format = seg as UrlFormat;
    else if (i === 0 && ENTRY_TYPES.includes(seg as UrlEntryType)) entryType = seg as UrlEntryType;
    else if (
      i > 0 &&
      COMPRESSIONS.includes(seg as Compression) &&
      compression === undefined &&
      entryType === undefined
    ) {
      compression = seg as Compression;
    } else if (i > 0 && ENTRY_TYPES.includes(seg as UrlEntryType) && entryType === undefined) {
      entryType = seg as UrlEntryType;
    } else if (COMPRESSIONS.includes(seg as Compression) && i === 0) {
      throw bad('a compression cannot be the first segment');
    } else {
      throw bad(`unknown scheme segment '${seg}'`);
    }
  }
  if (scheme === 'host' || segments.length === 0) format = 'file';
  if (compression !== undefined && format !== 'csv') throw bad('compression applies to csv only');
  return { raw, host, format, compression, entryType, path: rest, params };
}
