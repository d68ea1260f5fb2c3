/**
 * The labels of the import wizard's controls that the engine's messages name (the wizard's advice
 * in pond/import/import-advice.ts): a message and the control it sends the user to read alike.
 */

/** The box that imports the rows that read (`--skip-rejected`). */
export const SKIP_REJECTED_LABEL = 'Import the rows that read, leave out the rejected ones';

/** The box that says the first line read is the header (`--header`/`--no-header`). */
export const HEADER_LABEL = 'First line holds the column names';

/** The choices of the Timestamp format field for numbers, by epoch unit. */
export const EPOCH_UNIT_LABELS = {
  'epoch-s': 'seconds since 1970',
  'epoch-ms': 'milliseconds since 1970',
  'epoch-us': 'microseconds since 1970',
} as const;

/** The choice of the Timestamp format field for text read with a strptime format. */
export const STRPTIME_LABEL = 'text in a format…';

/** The choices of the Encoding field, by encoding. */
export const ENCODING_LABELS = {
  'utf-8': 'UTF-8',
  'utf-16': 'UTF-16',
  'latin-1': 'Latin-1',
} as const;
