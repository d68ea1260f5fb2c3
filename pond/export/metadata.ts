import type { ColumnInfo } from '../query/parquet-file.js';

/** The metadata file every export writes into its output folder. */
export const METADATA_FILE = 'export.json';

/** One file an export wrote. Times are ISO-8601 UTC; `end` is the start of the next period. */
export interface ExportedFile {
  /** Relative to the output folder, with `/`. */
  path: string;
  start: string | null;
  end: string | null;
  rows: number;
  bytes: number;
}

/** What was exported for one node. */
export interface ExportLeaf {
  source: string;
  type: 'data' | 'table' | 'series';
  captures: string[];
  schema: ColumnInfo[];
  files: ExportedFile[];
}

/** Capture values, level by level, down to leaves (a pattern without captures is a leaf). */
export type ExportTree = ExportLeaf | { [capture: string]: ExportTree };

export interface ExportMetadata {
  pond: string;
  /** The transaction exported (the pond as of it). */
  txn: number;
  created: string;
  /** The files' format: `parquet` (data.parquet) or `csv` (data.csv). */
  format: 'parquet' | 'csv';
  temporal: string[];
  start: string | null;
  end: string | null;
  /** One tree per pattern, keyed by the pattern. */
  exports: Record<string, ExportTree>;
  /** The pages rendered from templates, relative to the output folder. */
  pages: string[];
  /**
   * Files earlier exports wrote into the output folder that this one left in place (the places
   * of other targets), relative: the next export may still replace or remove them.
   */
  kept: string[];
}

export function isLeaf(t: ExportTree): t is ExportLeaf {
  return typeof (t as ExportLeaf).source === 'string' && Array.isArray((t as ExportLeaf).files);
}

/** Puts a leaf into its pattern's tree under its captures. */
export function insertLeaf(
  exports: Record<string, ExportTree>,
  pattern: string,
  leaf: ExportLeaf,
): void {
  if (leaf.captures.length === 0) {
    exports[pattern] = leaf;
    return;
  }
  let node = (exports[pattern] ??= {}) as Record<string, ExportTree>;
  leaf.captures.forEach((c, i) => {
    if (i === leaf.captures.length - 1) node[c] = leaf;
    else node = (node[c] ??= {}) as Record<string, ExportTree>;
  });
}

/** Every leaf of the metadata, in tree order. */
export function leaves(m: ExportMetadata): ExportLeaf[] {
  const out: ExportLeaf[] = [];
  const walk = (t: ExportTree) => {
    if (isLeaf(t)) out.push(t);
    else for (const k of Object.keys(t).sort()) walk(t[k]!);
  };
  for (const p of Object.keys(m.exports)) walk(m.exports[p]!);
  return out;
}
