import { ErrorCode, PondError } from '../../shared/errors.js';

/** Time parts an export can partition by, coarsest first (reference §5.1). */
export const TEMPORAL_PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;
export type TemporalPart = (typeof TEMPORAL_PARTS)[number];

/**
 * Parses `--temporal year,month`: known parts, each once, in chronological order, with no gap
 * (`year,day` would make partitions that mix months). Anything else is an error.
 */
export function parseTemporalParts(spec: string | undefined): TemporalPart[] {
  if (spec === undefined || spec.trim() === '') return [];
  const parts = spec.split(',').map((p) => p.trim());
  const bad = (why: string) =>
    new PondError(ErrorCode.ExportError, `--temporal '${spec}': ${why}`, { input: spec });
  for (const p of parts) {
    if (!(TEMPORAL_PARTS as readonly string[]).includes(p)) {
      throw bad(`'${p}' is not a time part (use ${TEMPORAL_PARTS.join(', ')})`);
    }
  }
  const idx = parts.map((p) => TEMPORAL_PARTS.indexOf(p as TemporalPart));
  if (idx[0] !== 0) throw bad(`partitions must start with year`);
  for (let i = 1; i < idx.length; i++) {
    if (idx[i] !== idx[i - 1]! + 1)
      throw bad(`parts must be in the order ${TEMPORAL_PARTS.join(', ')} without gaps`);
  }
  return parts as TemporalPart[];
}

/**
 * The partition column of a part, computed from the (UTC) timestamp column. The calendar fields
 * are read from the epoch microseconds as a plain TIMESTAMP: the same UTC fields as
 * `date_part` on TIMESTAMPTZ, without going through ICU's calendar (about 10x faster on 5M rows).
 */
export function partExpression(part: TemporalPart, column: string): string {
  return `${partValue(part, column)} AS ${part}`;
}

/** The value of a part for a timestamp expression (no alias). */
export function partValue(part: TemporalPart, column: string): string {
  return `date_part('${part}', make_timestamp(epoch_us(${column})))::INTEGER`;
}

/**
 * The time range a partition covers, from its values: the start of the period and the start of
 * the next one (exclusive end). Values out of range are errors, never defaults: the original
 * once turned null timestamps into `year=0/month=0`.
 */
export function partitionRange(
  values: Partial<Record<TemporalPart, number>>,
  where: string,
): { start: Date; end: Date } {
  const present = TEMPORAL_PARTS.filter((p) => values[p] !== undefined);
  if (present.length === 0) throw new PondError(ErrorCode.Internal, `no time parts in ${where}`);
  const v = (p: TemporalPart, dflt: number) => values[p] ?? dflt;
  const check = (p: TemporalPart, lo: number, hi: number) => {
    const x = values[p];
    if (x !== undefined && (!Number.isInteger(x) || x < lo || x > hi)) {
      throw new PondError(ErrorCode.ExportError, `${where}: ${p}=${x} is not a valid ${p}`, {
        input: where,
      });
    }
  };
  check('year', 1, 9999);
  check('month', 1, 12);
  check('day', 1, 31);
  check('hour', 0, 23);
  check('minute', 0, 59);
  check('second', 0, 59);
  const fields = [
    v('year', 1970),
    v('month', 1) - 1,
    v('day', 1),
    v('hour', 0),
    v('minute', 0),
    v('second', 0),
  ] as const;
  const start = new Date(Date.UTC(...fields));
  const finest = present[present.length - 1]!;
  const next = [...fields] as number[];
  const i = TEMPORAL_PARTS.indexOf(finest);
  next[i] = next[i]! + 1;
  const end = new Date(Date.UTC(next[0]!, next[1]!, next[2]!, next[3]!, next[4]!, next[5]!));
  if (start.getUTCDate() !== fields[2] || start.getUTCMonth() !== fields[1]) {
    throw new PondError(ErrorCode.ExportError, `${where} is not a valid date`, { input: where });
  }
  return { start, end };
}

/** The Hive folder of a partition as DuckDB names it: `year=2024/month=7` (no zero padding). */
export function partitionFolder(
  temporal: TemporalPart[],
  values: Partial<Record<TemporalPart, number>>,
): string {
  return temporal.map((p) => `${p}=${values[p]}`).join('/');
}
