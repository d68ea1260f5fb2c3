import { ErrorCode, PondError } from '../../shared/errors.js';
import { aType } from '../tinyfs/entry-type.js';
import { isDirectory, isFile, type FileNode } from '../tinyfs/node.js';
import { nameProblem, printableName } from '../tinyfs/entry-name.js';
import { nothingMatches, visitPattern } from '../tinyfs/visit.js';
import type { WD } from '../tinyfs/wd.js';
import type { PondTxn } from '../tlogfs/transaction.js';

/** One node to export, as a pattern reached it. */
export interface ExportTarget {
  pattern: string;
  path: string;
  node: FileNode;
  captures: string[];
  /**
   * Where it goes, relative to the output folder: a folder for tables and series (holding
   * `data.parquet` or partition folders), a file for data.
   */
  out: string;
}

/** What one pattern reaches: its targets, or why it cannot be exported. */
export interface PatternTargets {
  pattern: string;
  targets: ExportTarget[];
  error?: PondError;
}

/**
 * The targets of every pattern. Each glob capture becomes a folder level; a pattern without
 * captures keeps the node's parent path and its name without extension. A node that several
 * paths reach is exported once per pattern (the visit deduplicates by node id). Directories
 * are not exportable, and two targets may not write to the same place, nor one inside another.
 */
export async function findTargets(txn: PondTxn, patterns: string[]): Promise<ExportTarget[]> {
  if (patterns.length === 0)
    throw new PondError(ErrorCode.ExportError, 'export needs at least one --pattern');
  const found = await matchPatterns(txn, patterns);
  for (const f of found) if (f.error) throw f.error;
  return found.flatMap((f) => f.targets);
}

/**
 * Every pattern's targets, each pattern checked on its own, so the export wizard can show the
 * matches of the good patterns beside the reason a bad one fails (bad glob, no match,
 * directories, two targets writing to one place).
 */
export async function matchPatterns(txn: PondTxn, patterns: string[]): Promise<PatternTargets[]> {
  const wd = await txn.wd();
  const taken = new TakenPlaces();
  const out: PatternTargets[] = [];
  for (const pattern of patterns) {
    try {
      const targets = await patternTargets(wd, pattern);
      const mine = new TakenPlaces();
      for (const t of targets) {
        const other = taken.clash(t) ?? mine.clash(t);
        if (other) throw placeClash(other, t);
        mine.add(t);
      }
      for (const t of targets) taken.add(t);
      out.push({ pattern, targets });
    } catch (e) {
      if (!(e instanceof PondError)) throw e;
      out.push({ pattern, targets: [], error: e });
    }
  }
  return out;
}

/**
 * The places targets take: no two may be one place, and none may be inside another (a table's
 * folder is replaced whole, which would remove a file exported into it).
 */
class TakenPlaces {
  private readonly places = new Map<string, ExportTarget>();
  private readonly folders = new Map<string, ExportTarget>();

  clash(t: ExportTarget): ExportTarget | undefined {
    const inside = this.folders.get(t.out) ?? this.places.get(t.out);
    if (inside) return inside;
    for (const a of enclosingFolders(t.out)) {
      const other = this.places.get(a);
      if (other) return other;
    }
    return undefined;
  }

  add(t: ExportTarget): void {
    this.places.set(t.out, t);
    for (const a of enclosingFolders(t.out)) if (!this.folders.has(a)) this.folders.set(a, t);
  }
}

/** The folders an output path (relative, `/`-separated) lies in, outermost first: `a/b/c` -> `a`, `a/b`. */
export function enclosingFolders(out: string): string[] {
  const names = out.split('/');
  return names.slice(1).map((_, i) => names.slice(0, i + 1).join('/'));
}

function placeClash(other: ExportTarget, t: ExportTarget): PondError {
  const where =
    other.out === t.out
      ? `would both be written to ${t.out}`
      : `would be written to ${other.out} and ${t.out}, one inside the other`;
  return new PondError(
    ErrorCode.ExportError,
    `'${other.path}' and '${t.path}' ${where}; use a pattern whose captures tell them apart`,
    { input: t.pattern },
  );
}

async function patternTargets(wd: WD, pattern: string): Promise<ExportTarget[]> {
  if (pattern.trim() === '') {
    throw new PondError(
      ErrorCode.InvalidArgument,
      'empty pattern: give one such as /sites/*/water.series',
      { input: pattern },
    );
  }
  const matches = await visitPattern(wd, pattern);
  if (matches.length === 0) throw nothingMatches(pattern);
  const dirs = matches.filter((m) => isDirectory(m.node)).map((m) => m.path);
  if (dirs.length > 0) {
    throw new PondError(
      ErrorCode.ExportError,
      `pattern '${pattern}' matches directories, which are not exportable: ${dirs.join(', ')}`,
      { input: pattern },
    );
  }
  const targets: ExportTarget[] = [];
  for (const m of matches) {
    if (!isFile(m.node)) {
      throw new PondError(
        ErrorCode.ExportError,
        `'${m.path}' is ${aType(m.node.type)}; only files are exportable`,
        { input: m.path },
      );
    }
    targets.push({
      pattern,
      path: m.path,
      node: m.node,
      captures: m.captures,
      out: outputPath(m.path, m.captures, m.node.type),
    });
  }
  return targets;
}

function outputPath(path: string, captures: string[], type: FileNode['type']): string {
  const names = path.split('/').filter(Boolean);
  const name = names[names.length - 1]!;
  // Captures and stems are parts of names, so they can be empty, end in a dot or be a device
  // name: each must pass the same rules as a name before it becomes a folder on the host.
  const folderName = (n: string, what: string) => {
    const problem = nameProblem(n);
    if (problem !== undefined) {
      throw new PondError(
        ErrorCode.ExportError,
        `${what} ${printableName(n)} of '${path}' cannot be a folder name: ${problem}`,
        { input: path },
      );
    }
    return n;
  };
  for (const c of captures) folderName(c, 'capture');
  if (type === 'data') {
    const folder = captures.length > 0 ? captures.slice(0, -1) : names.slice(0, -1);
    return [...folder, name].join('/');
  }
  if (captures.length > 0) return captures.join('/');
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  return [...names.slice(0, -1), folderName(stem, 'the name without its extension')].join('/');
}
