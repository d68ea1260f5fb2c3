import type { ExportSettings } from '../../shared/api.js';
import type { ExportRequest } from './export.js';
import { parseExportTime } from './export-time.js';
import { parseTemporalParts } from './temporal.js';

/**
 * The request an export runs from its settings (flags, a profile, or the wizard): relative
 * times resolved against `nowMs`, the output folder as the caller resolved it (the CLI from its
 * current folder, the app under its export root).
 */
export function exportRequest(
  settings: ExportSettings,
  options: { outDir: string; nowMs: number; asOf?: number; hostRoot?: string },
): ExportRequest {
  const req: ExportRequest = {
    patterns: settings.patterns,
    outDir: options.outDir,
    temporal: parseTemporalParts(settings.temporal.join(',')),
    templates: settings.templates,
    vars: settings.vars,
    format: settings.format,
  };
  if (settings.startTime !== undefined)
    req.startMs = parseExportTime(settings.startTime, '--start-time', options.nowMs);
  if (settings.endTime !== undefined)
    req.endMs = parseExportTime(settings.endTime, '--end-time', options.nowMs);
  if (options.asOf !== undefined) req.asOf = options.asOf;
  if (options.hostRoot !== undefined) req.hostRoot = options.hostRoot;
  return req;
}

/** The settings as a `pond export` command line ("Copy as command"), quoted for a POSIX shell. */
export function commandLine(settings: ExportSettings): string {
  const args = ['pond', 'export'];
  for (const p of settings.patterns) args.push('-p', quote(p));
  args.push('--dir', quote(settings.dir));
  if (settings.temporal.length > 0) args.push('--temporal', settings.temporal.join(','));
  // `=` keeps a relative time such as -30d from reading as a flag.
  if (settings.startTime !== undefined) args.push(`--start-time=${quote(settings.startTime)}`);
  if (settings.endTime !== undefined) args.push(`--end-time=${quote(settings.endTime)}`);
  for (const t of settings.templates) args.push('--template', quote(t));
  for (const [k, v] of Object.entries(settings.vars)) args.push('--var', quote(`${k}=${v}`));
  if (settings.format !== 'parquet') args.push('--format', settings.format);
  return args.join(' ');
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
