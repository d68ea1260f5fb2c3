import { EPOCH_UNITS } from '../../shared/import.js';
import {
  ENCODING_LABELS,
  EPOCH_UNIT_LABELS,
  HEADER_LABEL,
  SKIP_REJECTED_LABEL,
  STRPTIME_LABEL,
} from '../../shared/import-labels.js';
import type { CsvAdvice, CsvChoice } from '../query/csv-advice.js';

/** A choice the user makes about an import. */
export type ImportChoice =
  CsvChoice | 'column' | 'skipColumn' | 'timestampColumn' | 'timestampFormat' | 'skipRejected';

/** What a column choice does: name the column, rename it, or give it a type. */
export type ColumnChange = 'name' | 'rename' | 'type';

/**
 * How the front end that asked for an import makes each choice, for the advice in messages: the
 * flags of `pond copy`, the keys of a `pond apply` copy document, or the controls of the app's
 * import wizard. The engine's messages say what is wrong in its own words and name the fix
 * through this, so each user is sent to something they can see.
 */
export interface ImportAdvice {
  /** A choice of the CSV dialect (the sniffer and the head reader take this). */
  readonly csv: CsvAdvice;
  /** The choice itself, as a message about what was given names it. */
  option(choice: ImportChoice): string;
  /**
   * A choice about column `ref` (`#N` or its name in the file; undefined: any column): naming
   * it, renaming it (to `value`), or giving it a type (`value`).
   */
  column(ref: string | undefined, change: ColumnChange, value?: string): string;
  /** Leaving column `ref` out. */
  skipColumn(ref: string): string;
  /** Reading the event times with `format`: an epoch unit, `a|b` for either, or strptime. */
  timestampFormat(format: string): string;
  /** The epoch units the timestamp format can name, as alternatives. */
  epochUnits(): string;
  /** Importing the rows that read and leaving the rejected ones out. */
  skipRejected(): string;
}

const SHELL_SAFE = /^[\w./|-]+$/;

/** A shell word as typed: bare when safe, else single-quoted. */
function shellWord(v: string): string {
  return SHELL_SAFE.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`;
}

const FLAGS: Record<ImportChoice, string> = {
  delimiter: '--delimiter',
  quote: '--quote',
  escape: '--escape',
  header: '--header/--no-header',
  skip: '--skip',
  encoding: '--encoding',
  null: '--null',
  column: '--column',
  skipColumn: '--skip-column',
  timestampColumn: '--timestamp-column',
  timestampFormat: '--timestamp-format',
  skipRejected: '--skip-rejected',
};

/** The flags of `pond copy`. */
export const COPY_FLAGS: ImportAdvice = {
  csv: (choice, value) => {
    if (choice === 'header')
      return value === undefined ? FLAGS.header : value === 'false' ? '--no-header' : '--header';
    if (value === undefined) return FLAGS[choice];
    return `${FLAGS[choice]} ${value === '' ? "''" : /^[\w./-]+$/.test(value) ? value : JSON.stringify(value)}`;
  },
  option: (choice) => FLAGS[choice],
  column: (ref, change, value) => {
    if (change === 'name') return `--column ${ref ?? 'NAME'}`;
    const spec = `${ref ?? 'NAME'}${change === 'rename' ? `=${value ?? 'NEW_NAME'}` : `:${value ?? 'TYPE'}`}`;
    return `--column ${ref === undefined ? spec : `'${spec.replaceAll("'", `'\\''`)}'`}`;
  },
  skipColumn: (ref) => `--skip-column '${ref.replaceAll("'", `'\\''`)}'`,
  timestampFormat: (format) => `--timestamp-format ${shellWord(format)}`,
  epochUnits: () => EPOCH_UNITS.join('|'),
  skipRejected: () => '--skip-rejected',
};

const KEYS: Record<ImportChoice, string> = {
  delimiter: 'delimiter',
  quote: 'quote',
  escape: 'escape',
  header: 'header',
  skip: 'skip',
  encoding: 'encoding',
  null: 'null',
  column: 'columns',
  skipColumn: 'skip_columns',
  timestampColumn: 'timestamp_column',
  timestampFormat: 'timestamp_format',
  skipRejected: 'skip_rejected',
};

/** A YAML scalar as written: plain when safe, else single-quoted. */
function yamlScalar(v: string): string {
  return /^[A-Za-z_][\w./|-]*$/.test(v) ? v : `'${v.replaceAll("'", "''")}'`;
}

/** The keys of a `pond apply` copy document's spec. */
export const APPLY_KEYS: ImportAdvice = {
  csv: (choice, value) => {
    if (value === undefined) return choice === 'header' ? 'header: true|false' : KEYS[choice];
    if (choice === 'null') return `null: [${yamlScalar(value)}]`;
    if (choice === 'header' || choice === 'skip') return `${choice}: ${value}`;
    return `${KEYS[choice]}: ${yamlScalar(value)}`;
  },
  option: (choice) => KEYS[choice],
  column: (ref, change, value) => {
    const name = ref ?? 'NAME';
    if (change === 'name') return `columns: [${yamlScalar(name)}]`;
    const spec = `${name}${change === 'rename' ? `=${value ?? 'NEW_NAME'}` : `:${value ?? 'TYPE'}`}`;
    return `columns: [${ref === undefined ? spec : yamlScalar(spec)}]`;
  },
  skipColumn: (ref) => `skip_columns: [${yamlScalar(ref)}]`,
  timestampFormat: (format) => `timestamp_format: ${yamlScalar(format)}`,
  epochUnits: () => EPOCH_UNITS.join('|'),
  skipRejected: () => 'skip_rejected: true',
};

const FIELDS: Record<ImportChoice, string> = {
  delimiter: 'the Delimiter field',
  quote: 'the Quote field',
  escape: 'the Escape field',
  header: `the "${HEADER_LABEL}" box`,
  skip: 'the Lines to skip field',
  encoding: 'the Encoding field',
  null: 'the Missing value field',
  column: 'the Columns table',
  skipColumn: "the column's Skip box",
  timestampColumn: 'the Timestamp column field (under Event time)',
  timestampFormat: 'the Timestamp format field (under Event time)',
  skipRejected: `the "${SKIP_REJECTED_LABEL}" box`,
};

/** `column 3`, `column 'site'` or `the column`, as the Columns table shows them. */
function columnWords(ref: string | undefined): string {
  if (ref === undefined) return 'the column';
  const n = /^#(\d+)$/.exec(ref);
  return n ? `column ${n[1]}` : `column '${ref}'`;
}

/** A timestamp format as the Timestamp format field offers it. */
function formatWords(format: string): string {
  const label = (f: string) =>
    f in EPOCH_UNIT_LABELS ? `"${EPOCH_UNIT_LABELS[f as keyof typeof EPOCH_UNIT_LABELS]}"` : f;
  if (format.includes('%')) return `"${STRPTIME_LABEL}" with the Format '${format}'`;
  const alternatives = format.split('|').map(label);
  return alternatives.length === 1
    ? alternatives[0]!
    : `${alternatives.slice(0, -1).join(', ')} or ${alternatives.at(-1)!}`;
}

/** The controls of the app's import wizard, by the labels the user sees. */
export const WIZARD_FIELDS: ImportAdvice = {
  csv: (choice, value) => {
    if (value === undefined) return FIELDS[choice];
    if (choice === 'header') return `${FIELDS.header} ${value === 'false' ? 'unticked' : 'ticked'}`;
    if (choice === 'encoding') {
      const e = ENCODING_LABELS[value as keyof typeof ENCODING_LABELS] ?? value;
      return `${e} in ${FIELDS.encoding}`;
    }
    if (choice === 'skip') return `${value} in ${FIELDS.skip}`;
    return value === '' ? `${FIELDS[choice]} left empty` : `'${value}' in ${FIELDS[choice]}`;
  },
  option: (choice) => FIELDS[choice],
  column: (ref, change, value) => {
    const col = columnWords(ref);
    if (change === 'name') return `the settings of ${col} in the Columns table`;
    if (change === 'rename') return `a new name for ${col} in its Stored as field`;
    return value === undefined
      ? `the Type of ${col} in the Columns table`
      : `${value} as the Type of ${col}`;
  },
  skipColumn: (ref) => `the Skip box of ${columnWords(ref)}`,
  timestampFormat: (format) => `${formatWords(format)} in ${FIELDS.timestampFormat}`,
  epochUnits: () => formatWords(EPOCH_UNITS.join('|')),
  skipRejected: () => FIELDS.skipRejected,
};
