import type { EntryKind, ExportSettings, TreeEntry } from '../../../shared/api';
import { EXPORT_PROFILES_DIR } from '../../../shared/api';

/** Time parts in their fixed order; a partitioning is a prefix of them. */
export const TIME_PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;

export function emptySettings(): ExportSettings {
  return { patterns: [''], dir: '', temporal: [], templates: [], vars: {}, format: 'parquet' };
}

/**
 * The pattern the selection suggests: a file itself; a directory, every series below it (its
 * folders become captures, so each series gets a folder of its own).
 */
export function patternFor(entry: { path: string; kind: EntryKind } | undefined): string {
  if (!entry) return '';
  if (entry.kind !== 'directory') return entry.path;
  return `${entry.path === '/' ? '' : entry.path}/**/*.series`;
}

export function startFromSelection(entry: TreeEntry | undefined): Partial<ExportSettings> {
  const pattern = patternFor(entry);
  return pattern ? { patterns: [pattern] } : {};
}

/** Profiles live in EXPORT_PROFILES_DIR as YAML files. */
export function isProfilePath(path: string): boolean {
  return path.startsWith(`${EXPORT_PROFILES_DIR}/`) && /\.ya?ml$/i.test(path);
}

/** `title=Water\nsite=north` <-> { title: 'Water', site: 'north' }. */
export function varsText(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

export function parseVars(text: string): { vars: Record<string, string>; bad?: string } {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const at = line.indexOf('=');
    if (at < 1) return { vars, bad: line };
    vars[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return { vars };
}

/** The settings as sent: blank patterns and empty times dropped. */
export function cleanSettings(s: ExportSettings): ExportSettings {
  const out: ExportSettings = {
    ...s,
    patterns: s.patterns.map((p) => p.trim()).filter((p) => p !== ''),
    templates: s.templates.map((t) => t.trim()).filter((t) => t !== ''),
  };
  if (!out.startTime?.trim()) delete out.startTime;
  if (!out.endTime?.trim()) delete out.endTime;
  return out;
}
