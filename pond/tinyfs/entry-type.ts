/**
 * What a node is. Stored nodes and dynamic (factory-made) nodes share these types; a dynamic
 * node is marked by the name of its factory, not by a separate type, so readers treat a derived
 * series exactly like a stored one.
 */
export type EntryType = 'directory' | 'symlink' | 'data' | 'table' | 'series';

export type FileType = Extract<EntryType, 'data' | 'table' | 'series'>;

export const FILE_TYPES: readonly FileType[] = ['data', 'table', 'series'];

export function isFileType(t: EntryType): t is FileType {
  return t === 'data' || t === 'table' || t === 'series';
}

/** Table and series files hold Parquet and can be queried with SQL. */
export function isQueryable(t: EntryType): boolean {
  return t === 'table' || t === 'series';
}

/** The tag `pond list` prints in front of each entry. */
export function listTag(t: EntryType): string {
  switch (t) {
    case 'directory':
      return '[DIR]';
    case 'symlink':
      return '[LINK]';
    case 'data':
      return '[FILE]';
    case 'table':
      return '[TBL]';
    case 'series':
      return '[SER]';
  }
}

const ALL: readonly EntryType[] = ['directory', 'symlink', 'data', 'table', 'series'];

export function parseEntryType(s: string): EntryType | undefined {
  return ALL.find((t) => t === s);
}

/** The type with its article, for messages: "'/a' is a data file, not a directory". */
export function aType(t: EntryType): string {
  return t === 'data' ? 'a data file' : `a ${t}`;
}
