import { ErrorCode, PondError } from '../../shared/errors.js';
import { type ImportPlan, type ImportReject } from '../../shared/import.js';
import { listRejects, type RejectList } from '../query/csv-rejects.js';
import type { ImportAdvice } from './import-advice.js';
import { NOT_WHOLE_ERROR } from '../query/inexact-integers.js';

/**
 * Rejected rows as they read in a message: the count, the first lines, and how to fix them, in
 * the words of the caller's front end (`advice`).
 */
export function describeRejects(
  label: string,
  list: RejectList,
  plan: Pick<ImportPlan, 'timestamp' | 'columns'>,
  advice: ImportAdvice,
): string {
  const hints = rejectFixes(list.rejects, plan, advice);
  return `${listRejects(label, list)}${hints.map((h) => `\n${h}`).join('')}`;
}

/** The refusal of a file with rows that do not fit the plan. */
export function rejectedError(
  label: string,
  plan: Pick<ImportPlan, 'timestamp' | 'columns'>,
  list: RejectList,
  advice: ImportAdvice,
): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `${describeRejects(label, list, plan, advice)}\nnothing was imported (use ${advice.skipRejected()} to import the other rows)`,
    { input: label },
  );
}

/** How to fix rejected rows, one sentence per kind of fault (`only`: of these kinds). */
export function rejectFixes(
  rejects: ImportReject[],
  plan: Pick<ImportPlan, 'timestamp' | 'columns'>,
  advice: ImportAdvice,
  only?: string[],
): string[] {
  if (only) rejects = rejects.filter((r) => only.includes(r.error));
  const out: string[] = [];
  const ts = plan.timestamp?.column;
  if (rejects.some((r) => r.error === 'cast' && r.column === ts)) {
    out.push(
      `the timestamp column '${ts}' has values that do not read as times: give their format with ${advice.option('timestampFormat')} (a strptime format such as '%d/%m/%Y %H:%M:%S', or ${advice.epochUnits()})`,
    );
  }
  if (rejects.some((r) => r.error === 'cast' && r.column !== ts)) {
    out.push(
      `a value that does not fit its column: give the column a type with ${advice.column(undefined, 'type')}, or read markers such as n/a as missing with ${advice.csv('null', 'n/a')}`,
    );
  }
  const inexact = rejects.find((r) => r.error === NOT_WHOLE_ERROR);
  if (inexact) {
    // The column as the file names it, which is what the option takes.
    const c = plan.columns.find((c) => c.name === inexact.column);
    const ref = c?.source ?? inexact.column ?? undefined;
    out.push(
      `a number with a fraction in a column of whole numbers (never rounded): keep it with ${advice.column(ref, 'type', 'double')}, or a decimal type such as ${advice.column(ref, 'type', 'decimal(18,3)')}`,
    );
  }
  if (rejects.some((r) => r.error === 'invalid encoding')) {
    out.push(
      `the file is not UTF-8: give its encoding (${advice.csv('encoding', 'latin-1')}, or ${advice.csv('encoding', 'utf-16')})`,
    );
  }
  return out;
}
