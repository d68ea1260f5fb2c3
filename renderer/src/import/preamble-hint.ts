import type { ImportPreview } from '../../../shared/import';

/**
 * How many lines to skip when the file starts with lines that are not its table (a sensor
 * logger's preamble: the logger, the site, the export time), or undefined when it does not look
 * so. Such a file is read as one column named after its first line, and its real header and
 * every row after it are rejected for too many columns; the sniffer never guesses lines to skip,
 * so the wizard offers the lines before the first rejected one.
 */
export function preambleLines(preview: ImportPreview): number | undefined {
  const first = preview.rejects[0];
  if (!first || first.error !== 'too many columns') return undefined;
  if (preview.plan.columns.length !== 1 || preview.rejectCount <= preview.rowCount)
    return undefined;
  const skip = first.line - 1;
  return skip > 0 && skip !== preview.plan.dialect?.skip ? skip : undefined;
}
