import { ErrorCode, PondError } from '../../shared/errors.js';
import { METADATA_FILE } from './metadata.js';
import { enclosingFolders, type ExportTarget } from './targets.js';
import type { ExportTemplate } from './templates.js';

/** Where one template's page for one target goes. */
export interface PagePlace {
  template: ExportTemplate;
  target: ExportTarget;
  /** Relative to the output folder, with `/`: in a table's folder, beside a data file. */
  path: string;
}

/** Each template once per target, in template order. */
export function pagePlaces(templates: ExportTemplate[], targets: ExportTarget[]): PagePlace[] {
  return templates.flatMap((template) =>
    targets.map((target) => {
      const folder =
        target.node.type === 'data' ? (enclosingFolders(target.out).pop() ?? '') : target.out;
      return {
        template,
        target,
        path: folder ? `${folder}/${template.outputName}` : template.outputName,
      };
    }),
  );
}

/**
 * Refuses pages that would be written over each other, over export.json, over a target's place
 * or, once they are known, over the targets' files (e.g. a template named `data.parquet.njk`):
 * publishing one would replace the other.
 */
export function refusePageClashes(
  pages: readonly PagePlace[],
  targets: readonly ExportTarget[],
  files: readonly string[] = [],
): void {
  const taken = new Map<string, string>([[METADATA_FILE, `the export's ${METADATA_FILE}`]]);
  const take = (path: string, what: string) => {
    for (const at of [path, ...enclosingFolders(path)]) if (!taken.has(at)) taken.set(at, what);
  };
  for (const t of targets) take(t.out, `the place of '${t.path}'`);
  for (const f of files) take(f, `the file ${f}`);
  for (const p of pages) {
    const other = taken.get(p.path);
    if (other !== undefined) {
      throw new PondError(
        ErrorCode.ExportError,
        `template ${p.template.label}: its page for '${p.target.path}' would be written to ${p.path}, over ${other} (a page goes into a table's folder, or beside a data file)`,
        { input: p.template.label },
      );
    }
    taken.set(p.path, `the page of template ${p.template.label} for '${p.target.path}'`);
  }
}
