import { isAbsolute } from 'node:path';
import { stringify } from 'yaml';
import type { ExportFormat, ExportSettings } from '../../shared/api.js';
import { ErrorCode, PondError, isPondError, messageOf } from '../../shared/errors.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { parseGlob } from '../tinyfs/glob.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { isRelativeTime, parseExportTime } from './export-time.js';
import { parseTemporalParts } from './temporal.js';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv'];

/**
 * An export profile: the wizard's settings as a YAML file in the pond (e.g.
 * /etc/exports/portal.yaml), run by `pond export --profile PATH`. Its keys are the long names of
 * `pond export`'s flags, so a profile reads like the command it replaces:
 *
 *   patterns: ["/sites/*\/water.series"]   # --pattern, a list
 *   dir: /srv/portal/data                   # --dir, an absolute host folder
 *   temporal: [year, month]                 # --temporal, a list
 *   start-time: -30d                        # --start-time: UTC, or relative to the run
 *   end-time: today                         # --end-time (inclusive)
 *   template: [/etc/exports/index.md.njk]   # --template, one or a list
 *   vars: { title: Water }                  # --var key=value, a mapping
 *   format: parquet                         # --format: parquet or csv
 *
 * Every key is checked; an unknown key or a bad value is refused naming the key and the reason.
 */
export function parseProfile(text: string, label: string): ExportSettings {
  const where = `export profile ${label}`;
  const o = new ConfigObject(parseYaml(text, where), where);
  const patterns = o.stringList('patterns');
  if (patterns.length === 0) throw configError(where, 'patterns', 'must list at least one pattern');
  patterns.forEach((p, i) => checkKey(where, `patterns[${i}]`, () => parseGlob(p)));
  const dir = o.string('dir');
  if (!isAbsolute(dir)) {
    throw configError(
      where,
      'dir',
      `'${dir}' must be an absolute host folder (a profile runs from cron, where the current folder is unknown)`,
    );
  }
  const temporal = o.stringList('temporal', true) ?? [];
  checkKey(where, 'temporal', () => parseTemporalParts(temporal.join(',')));
  const settings: ExportSettings = {
    patterns,
    dir,
    temporal,
    templates: templateList(o, where),
    vars: varsOf(o, where),
    format: formatOf(o, where),
  };
  const start = o.string('start-time', true);
  const end = o.string('end-time', true);
  if (start !== undefined) {
    checkKey(where, 'start-time', () => parseExportTime(start, 'start-time', 0));
    settings.startTime = start;
  }
  if (end !== undefined) {
    checkKey(where, 'end-time', () => parseExportTime(end, 'end-time', 0));
    settings.endTime = end;
  }
  if (
    start !== undefined &&
    end !== undefined &&
    !isRelativeTime(start) &&
    !isRelativeTime(end) &&
    parseExportTime(start, 'start-time', 0) > parseExportTime(end, 'end-time', 0)
  ) {
    throw configError(where, 'start-time', `${start} is after end-time ${end}`);
  }
  o.done();
  return settings;
}

/**
 * Checks settings given by the app exactly as a profile is checked (they may be saved as one):
 * through the YAML they would be saved as.
 */
export function checkSettings(settings: ExportSettings, label: string): ExportSettings {
  return parseProfile(profileYaml(settings, label), label);
}

/** The YAML of a profile, keys in the order of the command line. */
export function profileYaml(settings: ExportSettings, path: string): string {
  const doc: Record<string, unknown> = { patterns: settings.patterns, dir: settings.dir };
  if (settings.temporal.length > 0) doc['temporal'] = settings.temporal;
  if (settings.startTime !== undefined) doc['start-time'] = settings.startTime;
  if (settings.endTime !== undefined) doc['end-time'] = settings.endTime;
  if (settings.templates.length > 0) doc['template'] = settings.templates;
  if (Object.keys(settings.vars).length > 0) doc['vars'] = settings.vars;
  doc['format'] = settings.format;
  return (
    `# A pond export profile. Run it with: pond export --profile ${path}\n` +
    `# Times are UTC; relative ones (-30d, today-7d, now) count from when it runs.\n` +
    stringify(doc)
  );
}

function templateList(o: ConfigObject, where: string): string[] {
  if (!o.has('template')) {
    o.stringList('template', true);
    return [];
  }
  const v = o.raw('template');
  if (typeof v === 'string') {
    if (v.trim() === '') throw configError(where, 'template', 'must not be empty');
    return [v];
  }
  return o.stringList('template');
}

function varsOf(o: ConfigObject, where: string): Record<string, string> {
  if (!o.has('vars')) {
    o.stringList('vars', true);
    return {};
  }
  const v = o.raw('vars');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw configError(where, 'vars', 'must be a mapping of names to text values');
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') {
      throw configError(
        where,
        `vars.${k}`,
        `must be text, not ${x === null ? 'nothing' : `${typeof x} ${JSON.stringify(x)}`} (quote it: '${String(x)}')`,
      );
    }
    out[k] = x;
  }
  return out;
}

function formatOf(o: ConfigObject, where: string): ExportFormat {
  const f = o.string('format', true) ?? 'parquet';
  if (!(EXPORT_FORMATS as readonly string[]).includes(f)) {
    throw configError(where, 'format', `'${f}' is not a format (use parquet or csv)`);
  }
  return f as ExportFormat;
}

/** Runs a check and reports its failure under the key. */
function checkKey(where: string, key: string, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    const message = messageOf(e);
    const reason = message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message;
    throw configError(where, key, isPondError(e) ? reason : `is not valid: ${reason}`);
  }
}

/** Reads and checks the profile stored at a pond path. */
export async function readProfile(txn: PondTxn, path: string): Promise<ExportSettings> {
  const node = await (await txn.wd()).getFile(path);
  if (node.type !== 'data') {
    throw new PondError(
      ErrorCode.WrongType,
      `export profile ${path} is a ${node.type}; a profile is a YAML data file`,
      { input: path },
    );
  }
  return parseProfile(Buffer.from(await node.read()).toString('utf8'), path);
}
