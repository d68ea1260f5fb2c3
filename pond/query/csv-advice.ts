/** A choice about how a CSV file is read that the user can make. */
export type CsvChoice = 'delimiter' | 'quote' | 'escape' | 'header' | 'skip' | 'encoding' | 'null';

/**
 * How the user makes a choice where the read was asked for, for the advice in messages: a flag of
 * `pond copy` (`--delimiter ';'`) or a parameter of a csv:/// URL (`delimiter=;`). Without a
 * value it names the choice.
 */
export type CsvAdvice = (choice: CsvChoice, value?: string) => string;

/** The parameters of `csv:///` and `host+csv:///` URLs (and csv-directory patterns). */
export const URL_PARAMETERS: CsvAdvice = (choice, value) => {
  if (choice === 'header') return value === undefined ? 'header=true|false' : `header=${value}`;
  return `${choice}=${value ?? '...'}`;
};
