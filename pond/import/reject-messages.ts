import { ErrorCode, PondError } from '../../shared/errors.js';
import { EPOCH_UNITS, type ImportPlan, type ImportReject } from '../../shared/import.js';
import { listRejects, type RejectList } from '../query/csv-rejects.js';

/** Rejected rows as they read in a message: the count, the first lines, and how to fix them. */
export function describeRejects(
  label: string,
  list: RejectList,
  plan: Pick<ImportPlan, 'timestamp'>,
): string {
  const hints = advice(list.rejects, plan);
  return `${listRejects(label, list)}${hints.map((h) => `\n${h}`).join('')}`;
}

/** The refusal of a file with rows that do not fit the plan. */
export function rejectedError(
  label: string,
  plan: Pick<ImportPlan, 'timestamp'>,
  list: RejectList,
): PondError {
  return new PondError(
    ErrorCode.BadInput,
    `${describeRejects(label, list, plan)}\nnothing was imported (use --skip-rejected to import the other rows)`,
    { input: label },
  );
}

function advice(rejects: ImportReject[], plan: Pick<ImportPlan, 'timestamp'>): string[] {
  const out: string[] = [];
  const ts = plan.timestamp?.column;
  if (rejects.some((r) => r.error === 'cast' && r.column === ts)) {
    out.push(
      `the timestamp column '${ts}' has values that do not read as times: give their format with --timestamp-format (a strptime format such as '%d/%m/%Y %H:%M:%S', or ${EPOCH_UNITS.join('|')})`,
    );
  }
  if (rejects.some((r) => r.error === 'cast' && r.column !== ts)) {
    out.push(
      'a value that does not fit its column: give the column a type with --column NAME:TYPE, or read markers such as n/a as missing with --null n/a',
    );
  }
  if (rejects.some((r) => r.error === 'invalid encoding')) {
    out.push('the file is not UTF-8: give its encoding (--encoding latin-1 or utf-16)');
  }
  return out;
}
