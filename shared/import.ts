/**
 * The import contract (pond/import): a host file -> an import plan -> a preview -> a run.
 * `pond copy`, `pond apply` and the app's import wizard build the same plan, so they cannot
 * disagree. Every choice the wizard offers is a field of the overrides a plan is made from, and
 * of the plan itself; preview and run take a plan and check it against the file again.
 */

/** How a file is stored: bytes as they are, a table (latest version), a series (all versions). */
export type ImportKind = 'data' | 'table' | 'series';

/** The unit of integer event times; they are never guessed. */
export const EPOCH_UNITS = ['epoch-s', 'epoch-ms', 'epoch-us'] as const;
export type EpochUnit = (typeof EPOCH_UNITS)[number];

/** How a CSV file is read: DuckDB's sniffed dialect with the user's overrides, all explicit. */
export interface CsvDialect {
  /** One to four characters. */
  delimiter: string;
  /** '' for none. */
  quote: string;
  /** '' for none. */
  escape: string;
  /** The first line read holds the column names. */
  header: boolean;
  /** Lines before the header (or the first row) that are not read; never guessed. */
  skip: number;
  encoding: 'utf-8' | 'utf-16' | 'latin-1';
  compression: 'none' | 'gzip' | 'zstd';
  /** Field values read as NULL besides the empty field. */
  nullStrings: string[];
  /** strptime formats for DATE and TIMESTAMP columns (null: ISO-8601). */
  dateFormat: string | null;
  timestampFormat: string | null;
}

/** One column of the source file and what becomes of it. */
export interface ImportColumn {
  /** 1-based position in the file. */
  position: number;
  /** Its name in the file (`column<N>` in a file without a header). */
  source: string;
  /** The name it is stored under. */
  name: string;
  /** The DuckDB type it is stored as. */
  type: string;
  /** The type DuckDB's sniffer (CSV) or the file (Parquet) gives it. */
  sourceType: string;
  /** Left out of what is stored. */
  skip: boolean;
}

/** The event-time column of a series and how its values are read. */
export interface ImportTimestamp {
  /** The stored name of the column. */
  column: string;
  /**
   * null: the values are times (ISO-8601, or the dialect's timestamp format); an epoch unit for
   * numbers; a strptime format (e.g. `%d/%m/%Y %H:%M`) for text.
   */
  format: string | null;
}

/** What the user asks for before a plan is made (the CLI's flags, the wizard's fields). */
export interface ImportOverrides {
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  skip?: number;
  encoding?: CsvDialect['encoding'];
  nullStrings?: string[];
  /** By column name in the file, or `#N` for the Nth column. */
  columns?: ColumnOverride[];
  timestampColumn?: string;
  /** An epoch unit or a strptime format. */
  timestampFormat?: string;
  /** Import the rows that read and report the others (default: refuse the file). */
  skipRejected?: boolean;
}

export interface ColumnOverride {
  /** The column's name in the file, or `#N` (1-based position). */
  column: string;
  rename?: string;
  type?: string;
  skip?: boolean;
}

/** One file to import, fully decided. */
export interface ImportPlan {
  /** The source URL as given (host:///..., host+csv+series:///...). */
  source: string;
  /** The host file it names. */
  file: string;
  /** Size and modification time when planned; a file that changed since is refused. */
  size: number;
  mtimeMs: number;
  format: 'csv' | 'parquet' | 'bytes';
  kind: ImportKind;
  /** Absolute pond path. */
  target: string;
  /** A new file, or a new version of the file at `target` (`existingVersions` of them now). */
  mode: 'new' | 'append';
  existingVersions: number;
  /** CSV only. */
  dialect?: CsvDialect;
  /** Tables and series, in file order. */
  columns: ImportColumn[];
  /** Series only. */
  timestamp?: ImportTimestamp;
  skipRejected: boolean;
}

/** A row of the source that cannot be stored as planned. */
export interface ImportReject {
  /** 1-based line of the file where the row starts (as an editor numbers them). */
  line: number;
  /** The stored name of the column at fault, when one is. */
  column: string | null;
  /** e.g. `too many columns`, `cast`, `invalid encoding`. */
  error: string;
  message: string;
  /** The row as written (at most 200 characters). */
  text: string;
}

/** How one column of an append compares with what is stored. */
export interface SchemaChange {
  column: string;
  change: 'same' | 'added' | 'missing' | 'type';
  storedType?: string;
  newType?: string;
}

export type PreviewCell =
  string | number | boolean | null | PreviewCell[] | { [k: string]: PreviewCell };

/** What a plan would store, from a scan of the whole file; nothing is written to the pond. */
export interface ImportPreview {
  plan: ImportPlan;
  /** The stored columns and their types. */
  columns: { name: string; type: string }[];
  /** The first rows exactly as they would be stored (times in ISO-8601 UTC). */
  rows: PreviewCell[][];
  /** Rows that would be stored. */
  rowCount: number;
  /** The first rejected rows, and how many there are in all. */
  rejects: ImportReject[];
  rejectCount: number;
  /** Series: the event-time range, µs since the epoch. */
  timeRange?: { minUs: number; maxUs: number };
  /** Appends: every stored and new column. */
  schemaChanges?: SchemaChange[];
  /** Why running this plan would be refused (empty when it would succeed). */
  problems: string[];
}

/** What a run did to one file. */
export interface ImportedFile {
  source: string;
  path: string;
  kind: ImportKind;
  /** A new file (else a new version of an existing one). */
  created: boolean;
  /** The version written. */
  version?: number;
  rows?: number;
  rejected?: number;
  /** Left alone: the pond already held this content (`pond apply`). */
  unchanged?: boolean;
}
