import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { AddFile } from './actions.js';
import { encodeDataPath } from './data-paths.js';
import { type ParquetColumn, parquetFile } from './parquet-writer.js';
import { serializePartitionValue } from './partition-values.js';
import { isPrimitive } from './schema.js';
import type { Snapshot } from './snapshot.js';
import { type StatColumn, valueStats } from './value-stats.js';
import { ENGINE_INFO } from './commit.js';

/** A row given in JS: column name -> value (long: integer; timestamp: µs since the epoch). */
export type JsRow = Readonly<Record<string, string | Uint8Array | number | bigint | null>>;

/**
 * Writes rows held in memory as data files of the table, one per partition, without DuckDB
 * (parquet-writer.ts), and returns their add actions with stats computed from the same values.
 * For small writes of tables whose columns are strings, binaries, longs and timestamps and whose
 * partition columns are strings (the pond's oplog); anything else is refused, not converted.
 */
export async function writeRows(snapshot: Snapshot, rows: readonly JsRow[]): Promise<AddFile[]> {
  const schema = snapshot.schema;
  const partitionColumns = snapshot.metadata.partitionColumns;
  const kinds = new Map<string, StatColumn['kind']>();
  for (const f of schema.fields) {
    const kind = isPrimitive(f.type) ? KINDS[f.type] : undefined;
    if (kind === undefined || (partitionColumns.includes(f.name) && kind !== 'string')) {
      throw new PondError(
        ErrorCode.DeltaUnsupported,
        `column '${f.name}' of type ${JSON.stringify(f.type)} cannot be written from JS rows`,
        { input: f.name },
      );
    }
    kinds.set(f.name, kind);
  }
  for (const r of rows) checkRow(r, kinds, schema.fields);
  // Rows by partition, in the order given.
  const groups = new Map<string, JsRow[]>();
  for (const r of rows) {
    const key = JSON.stringify(partitionColumns.map((c) => r[c] ?? null));
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const written: string[] = [];
  try {
    const adds: AddFile[] = [];
    for (const group of groups.values()) {
      const partitionValues: Record<string, string | null> = {};
      const folders: string[] = [];
      for (const c of partitionColumns) {
        const v = serializePartitionValue('string', (group[0]![c] as string | null) ?? null, c);
        partitionValues[c] = v;
        folders.push(`${c}=${v === null ? HIVE_NULL : escapeFolder(v)}`);
      }
      const fields = schema.fields.filter((f) => !partitionColumns.includes(f.name));
      const columns: (ParquetColumn & StatColumn)[] = fields.map((f) => ({
        name: f.name,
        kind: kinds.get(f.name)!,
        nullable: f.nullable,
        values: group.map((r) => r[f.name] ?? null),
      }));
      const relative = [...folders, `part-${randomUUID()}.parquet`].join('/');
      const file = path.join(snapshot.root, ...relative.split('/'));
      written.push(file);
      const handle = await createFile(file);
      let stat;
      try {
        await handle.writeFile(parquetFile(columns, ENGINE_INFO));
        stat = await handle.stat();
      } finally {
        await handle.close();
      }
      adds.push({
        path: encodeDataPath(relative),
        partitionValues,
        size: stat.size,
        modificationTime: Math.floor(stat.mtimeMs),
        dataChange: true,
        stats: valueStats(group.length, columns),
      });
    }
    return adds;
  } catch (e) {
    await Promise.all(written.map((f) => fs.rm(f, { force: true })));
    throw e;
  }
}

/**
 * A new file, in a folder made if missing. (mkdir first, not on a failed open: a rejected fs call
 * builds an Error with its stack, which costs more than the mkdir that finds the folder there.)
 */
async function createFile(file: string): Promise<fs.FileHandle> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  return fs.open(file, 'wx');
}

const KINDS: Partial<Record<string, StatColumn['kind']>> = {
  string: 'string',
  binary: 'binary',
  long: 'long',
  timestamp: 'timestamp',
};

/** Hive's folder name for a null partition value. */
const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

/** A partition value as a folder name: anything but letters, digits and `-_.` is %-escaped. */
function escapeFolder(v: string): string {
  return v.replace(/[^A-Za-z0-9\-_.]/gu, (ch) =>
    [...Buffer.from(ch, 'utf8')]
      .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function checkRow(
  r: JsRow,
  kinds: Map<string, StatColumn['kind']>,
  fields: readonly { name: string; nullable: boolean }[],
): void {
  for (const name of Object.keys(r)) {
    if (!kinds.has(name)) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `column '${name}' is not in the table schema`,
        {
          input: name,
        },
      );
    }
  }
  for (const f of fields) {
    const v = r[f.name] ?? null;
    if (v === null) {
      if (!f.nullable) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `non-nullable column '${f.name}' has a null value`,
          { input: f.name },
        );
      }
      continue;
    }
    const kind = kinds.get(f.name)!;
    const ok =
      kind === 'string'
        ? typeof v === 'string'
        : kind === 'binary'
          ? v instanceof Uint8Array
          : typeof v === 'bigint'
            ? v >= INT64_MIN && v <= INT64_MAX
            : // A whole double is written as exactly the integer it is (past 2^53 too).
              typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63;
    if (!ok) {
      throw new PondError(
        ErrorCode.InvalidArgument,
        `column '${f.name}' (${kind}) cannot hold the value ${String(v)}`,
        { input: f.name },
      );
    }
  }
}
