import { ErrorCode, PondError } from '../../shared/errors.js';
import {
  EPOCH_UNITS,
  type EpochUnit,
  type ImportColumn,
  type ImportTimestamp,
} from '../../shared/import.js';
import { TIMESTAMP_CANDIDATES } from '../query/parquet-file.js';
import { TIMESTAMPTZ, isInstantType, isNumberType } from '../query/column-types.js';
import type { StoredSchema } from '../query/schema-check.js';
import type { ImportAdvice } from './import-advice.js';

export function isEpochUnit(format: string | null): format is EpochUnit {
  return (EPOCH_UNITS as readonly string[]).includes(format ?? '');
}

/** µs per unit of an epoch column. */
export const EPOCH_FACTOR: Record<EpochUnit, number> = {
  'epoch-s': 1_000_000,
  'epoch-ms': 1_000,
  'epoch-us': 1,
};

/**
 * The type of an event time counted in µs since the epoch: only series made by earlier pond
 * versions store one (see chooseEventTime); new series store TIMESTAMPTZ.
 */
export const MICROS_TYPE = 'BIGINT';

/** A strptime format that reads a zone or offset (so the values are instants already). */
export function formatHasZone(format: string): boolean {
  return /%[zZ]/.test(format);
}

/** An example value of a column, to show in advice: `line 2: '1704067200'`. */
export type ExampleOf = (column: ImportColumn) => string | undefined;

/**
 * The event-time column of a series and how its values are read: the column asked for, else the
 * one the series already records, else the first of the usual names. Its values must be times,
 * or numbers whose unit the user gives (never guessed: epoch seconds read as microseconds break
 * every later read), or text with a strptime format. The column is stored as TIMESTAMPTZ (UTC),
 * or as what the series already stores.
 */
export function chooseEventTime(
  columns: ImportColumn[],
  asked: { column?: string; format?: string },
  /** Columns whose type the user gave (kept as given). */
  userTyped: Set<ImportColumn>,
  existing: StoredSchema | undefined,
  format: 'csv' | 'parquet',
  label: string,
  example: ExampleOf,
  advice: ImportAdvice,
): ImportTimestamp {
  const col = findEventColumn(columns, asked.column, existing, label, advice);
  if (col.skip) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: '${col.name}' is the timestamp column and cannot be skipped`,
      { input: label },
    );
  }
  const fmt = asked.format ?? null;
  if (fmt !== null && !isEpochUnit(fmt) && !fmt.includes('%')) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${advice.option('timestampFormat')} '${fmt}' is neither ${EPOCH_UNITS.join(', ')} nor a strptime format (e.g. '%d/%m/%Y %H:%M:%S')`,
      { input: fmt },
    );
  }
  const e = example(col);
  const eg = e === undefined ? '' : `, e.g. ${e}`;
  if (isEpochUnit(fmt)) {
    if (!isNumberType(col.sourceType) && !(format === 'csv' && col.sourceType === 'VARCHAR')) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: ${advice.timestampFormat(fmt)} reads numbers, and column '${col.name}' holds ${col.sourceType}${eg}`,
        { input: label },
      );
    }
  } else if (fmt !== null) {
    if (col.sourceType !== 'VARCHAR' && !(format === 'csv' && isInstantType(col.sourceType))) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: ${advice.timestampFormat(fmt)} reads text, and column '${col.name}' holds ${col.sourceType}${eg}`,
        { input: label },
      );
    }
  } else if (isNumberType(col.sourceType)) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: the timestamp column '${col.name}' holds numbers (${col.sourceType}${eg}); say what they count with ${advice.timestampFormat(EPOCH_UNITS.join('|'))}`,
      { input: label },
    );
  } else if (format === 'parquet' && !isInstantType(col.sourceType)) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: the timestamp column '${col.name}' holds ${col.sourceType}${eg}, not times; give ${advice.option('timestampFormat')} (a strptime format such as '%d/%m/%Y %H:%M:%S', or ${advice.epochUnits()})`,
      { input: label },
    );
  }
  // Stored as the user typed it; else CSV times as the series stores them, or TIMESTAMPTZ (UTC);
  // else Parquet times as they are, numbers and text converted to TIMESTAMPTZ. A series made by
  // an earlier pond may store its event time as BIGINT, which the pond has always read as µs since
  // the epoch (its recorded ranges, time windows, charts): new versions keep that type and unit.
  const stored = existing?.columns?.find((c) => c.name === col.name)?.type;
  const micros = stored === MICROS_TYPE && existing?.timestampColumn === col.name;
  if (!userTyped.has(col)) {
    if (micros) col.type = MICROS_TYPE;
    else if (format === 'csv')
      col.type = stored !== undefined && isInstantType(stored) ? stored : TIMESTAMPTZ;
    else if (fmt !== null) col.type = TIMESTAMPTZ;
  }
  if (!/^TIMESTAMP/.test(col.type) && !(micros && col.type === MICROS_TYPE)) {
    throw new PondError(
      ErrorCode.BadInput,
      `${label}: the timestamp column '${col.name}' must be stored as a TIMESTAMP type, not ${col.type} (give ${advice.column(col.source, 'type', TIMESTAMPTZ)})`,
      { input: label },
    );
  }
  return { column: col.name, format: fmt };
}

function findEventColumn(
  columns: ImportColumn[],
  asked: string | undefined,
  existing: StoredSchema | undefined,
  label: string,
  advice: ImportAdvice,
): ImportColumn {
  const recorded = existing?.timestampColumn;
  if (asked !== undefined) {
    const c =
      columns.find((c) => !c.skip && c.name === asked) ?? columns.find((c) => c.source === asked);
    if (!c) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label} has no column '${asked}' (columns: ${columns.map((c) => c.name).join(', ')})`,
        { input: label },
      );
    }
    if (recorded !== undefined && c.name !== recorded) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label}: the series records its event time in '${recorded}', and this file's timestamp column would be '${c.name}'; a series keeps one timestamp column`,
        { input: label },
      );
    }
    return c;
  }
  if (recorded !== undefined) {
    const c = columns.find((c) => c.name === recorded);
    if (!c) {
      throw new PondError(
        ErrorCode.BadInput,
        `${label} has no column '${recorded}', the series' timestamp column (columns: ${columns.map((c) => c.name).join(', ')})`,
        { input: label },
      );
    }
    return c;
  }
  for (const same of [
    (a: string, b: string) => a === b,
    (a: string, b: string) => a.toLowerCase() === b.toLowerCase(),
  ]) {
    for (const name of TIMESTAMP_CANDIDATES) {
      const c = columns.find((c) => !c.skip && same(c.name, name));
      if (c) return c;
    }
  }
  throw new PondError(
    ErrorCode.BadInput,
    `${label} has no timestamp column (looked for ${TIMESTAMP_CANDIDATES.join(', ')}); name one with ${advice.option('timestampColumn')}`,
    { input: label },
  );
}
