import type { DuckDBResult, DuckDBVector } from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';
import { ident } from '../duckdb/sql.js';

/** How a column travels in an Arrow page. Types without a kind travel as DuckDB's text. */
type Kind =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'utf8'
  | 'date'
  | 'timestamp'
  | 'timestamptz';

const NATIVE: Record<string, Kind> = {
  BOOLEAN: 'bool',
  TINYINT: 'int8',
  SMALLINT: 'int16',
  INTEGER: 'int32',
  BIGINT: 'int64',
  UTINYINT: 'uint8',
  USMALLINT: 'uint16',
  UINTEGER: 'uint32',
  UBIGINT: 'uint64',
  FLOAT: 'float32',
  DOUBLE: 'float64',
  VARCHAR: 'utf8',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  TIMESTAMP_S: 'timestamp',
  TIMESTAMP_MS: 'timestamp',
  TIMESTAMP_NS: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
};

export interface PageColumn {
  name: string;
  /** DuckDB's type name. */
  type: string;
}

function kindOf(type: string): Kind {
  return NATIVE[type] ?? 'utf8';
}

/**
 * The SELECT list of a page over a subquery whose columns were renamed positionally to
 * `c0, c1, ...` (so duplicate names in the user's SQL stay distinct): each column cast to what
 * its Arrow kind carries, under its own name.
 */
export function pageSelectList(columns: readonly PageColumn[]): string {
  return columns
    .map((c, i) => {
      const src = ident(`c${i}`);
      const cast = castTo(c.type);
      return `${cast ? `${src}::${cast}` : src} AS ${ident(c.name)}`;
    })
    .join(', ');
}

/** The type a column is cast to for its Arrow kind, or undefined when it is read as it is. */
function castTo(type: string): string | undefined {
  const kind = kindOf(type);
  if (kind === 'timestamp' && type !== 'TIMESTAMP') return 'TIMESTAMP';
  if (kind === 'utf8' && type !== 'VARCHAR') return 'VARCHAR';
  return undefined;
}

/** Whether every column can be read into Arrow as DuckDB returns it (no cast needed). */
export function readableAsIs(columns: readonly PageColumn[]): boolean {
  return columns.every((c) => castTo(c.type) === undefined);
}

/** The positional column aliases that go with `pageSelectList`: `q(c0, c1, ...)`. */
export function positionalAlias(count: number): string {
  return `q(${Array.from({ length: count }, (_, i) => ident(`c${i}`)).join(', ')})`;
}

/**
 * Reads a result (at most `maxRows` rows) into one Arrow IPC stream. Values are copied from
 * DuckDB's vectors into typed buffers; strings are written into one UTF-8 buffer. This avoids
 * Arrow's generic builders (`vectorFromArray`), which are slow on string columns.
 */
export async function readArrowPage(
  result: DuckDBResult,
  columns: readonly PageColumn[],
  maxRows: number,
): Promise<{ arrow: Uint8Array; rowCount: number }> {
  const builders = columns.map((c) => newBuilder(kindOf(c.type), maxRows));
  let rows = 0;
  while (rows < maxRows) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const take = Math.min(chunk.rowCount, maxRows - rows);
    for (let col = 0; col < columns.length; col++)
      builders[col]!.add(chunk.getColumnVector(col), take, rows);
    rows += take;
  }
  const fields = columns.map((c, i) => new Field(c.name, builders[i]!.type, true));
  const children = builders.map((b) => b.finish(rows));
  const schema = new Schema(fields);
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }),
  );
  return { arrow: RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true), rowCount: rows };
}

/** Arrow IPC of Float64 columns (chart data). */
export function float64Arrow(columns: { name: string; values: Float64Array }[]): Uint8Array {
  const length = columns[0]?.values.length ?? 0;
  const fields = columns.map((c) => new Field(c.name, new Float64(), true));
  const children = columns.map((c) => {
    let nulls = 0;
    for (const v of c.values) if (Number.isNaN(v)) nulls++;
    if (nulls === 0) return makeData({ type: new Float64(), length, nullCount: 0, data: c.values });
    // NaN marks a missing value (e.g. no reading of this column in a bucket).
    const bitmap = new Uint8Array((length + 7) >> 3);
    c.values.forEach((v, i) => {
      if (!Number.isNaN(v)) bitmap[i >> 3]! |= 1 << (i & 7);
    });
    return makeData({
      type: new Float64(),
      length,
      nullCount: nulls,
      nullBitmap: bitmap,
      data: c.values,
    });
  });
  const batch = new RecordBatch(
    new Schema(fields),
    makeData({ type: new Struct(fields), length, nullCount: 0, children }),
  );
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

interface Builder {
  readonly type: DataType;
  /** Copies the first `count` items of a vector to rows `at...`. */
  add(vector: DuckDBVector, count: number, at: number): void;
  finish(length: number): Data;
}

class Validity {
  readonly bits: Uint8Array;
  nulls = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array((capacity + 7) >> 3);
  }
  set(i: number, valid: boolean): void {
    if (valid) this.bits[i >> 3]! |= 1 << (i & 7);
    else this.nulls++;
  }
  bitmap(length: number): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits.subarray(0, (length + 7) >> 3);
  }
}

function newBuilder(kind: Kind, capacity: number): Builder {
  switch (kind) {
    case 'bool':
      return boolBuilder(capacity);
    case 'int8':
      return numberBuilder(new Int8(), new Int8Array(capacity));
    case 'int16':
      return numberBuilder(new Int16(), new Int16Array(capacity));
    case 'int32':
      return numberBuilder(new Int32(), new Int32Array(capacity));
    case 'uint8':
      return numberBuilder(new Uint8(), new Uint8Array(capacity));
    case 'uint16':
      return numberBuilder(new Uint16(), new Uint16Array(capacity));
    case 'uint32':
      return numberBuilder(new Uint32(), new Uint32Array(capacity));
    case 'float32':
      return numberBuilder(new Float32(), new Float32Array(capacity));
    case 'float64':
      return numberBuilder(new Float64(), new Float64Array(capacity));
    case 'int64':
      return bigintBuilder(new Int64(), new BigInt64Array(capacity), (v) => v as bigint);
    case 'uint64':
      return bigintBuilder(new Uint64(), new BigUint64Array(capacity), (v) => v as bigint);
    case 'timestamp':
      return bigintBuilder(
        new TimestampMicrosecond(null),
        new BigInt64Array(capacity),
        (v) => (v as { micros: bigint }).micros,
      );
    case 'timestamptz':
      return bigintBuilder(
        new TimestampMicrosecond('UTC'),
        new BigInt64Array(capacity),
        (v) => (v as { micros: bigint }).micros,
      );
    case 'date': {
      const days = new Int32Array(capacity);
      const validity = new Validity(capacity);
      return {
        type: new DateDay(),
        add(vector, count, at) {
          for (let i = 0; i < count; i++) {
            const v = vector.getItem(i) as { days: number } | null;
            validity.set(at + i, v !== null);
            if (v !== null) days[at + i] = v.days;
          }
        },
        finish: (length) => fixedData(new DateDay(), days, validity, length),
      };
    }
    case 'utf8':
      return utf8Builder(capacity);
  }
}

function fixedData<T extends DataType>(
  type: T,
  values: ArrayLike<unknown> & { subarray(a: number, b: number): unknown },
  validity: Validity,
  length: number,
): Data {
  const bitmap = validity.bitmap(length);
  return makeData({
    type,
    length,
    nullCount: validity.nulls,
    ...(bitmap ? { nullBitmap: bitmap } : {}),
    data: values.subarray(0, length),
  } as never);
}

function numberBuilder(
  type: DataType,
  values:
    | Int8Array
    | Int16Array
    | Int32Array
    | Uint8Array
    | Uint16Array
    | Uint32Array
    | Float32Array
    | Float64Array,
): Builder {
  const validity = new Validity(values.length);
  return {
    type,
    add(vector, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(i) as number | null;
        validity.set(at + i, v !== null);
        if (v !== null) values[at + i] = v;
      }
    },
    finish: (length) => fixedData(type, values, validity, length),
  };
}

function bigintBuilder(
  type: DataType,
  values: BigInt64Array | BigUint64Array,
  read: (v: unknown) => bigint,
): Builder {
  const validity = new Validity(values.length);
  return {
    type,
    add(vector, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(i);
        validity.set(at + i, v !== null);
        if (v !== null) values[at + i] = read(v);
      }
    },
    finish: (length) => fixedData(type, values, validity, length),
  };
}

function boolBuilder(capacity: number): Builder {
  const bits = new Uint8Array((capacity + 7) >> 3);
  const validity = new Validity(capacity);
  return {
    type: new Bool(),
    add(vector, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(i) as boolean | null;
        validity.set(at + i, v !== null);
        if (v) bits[(at + i) >> 3]! |= 1 << ((at + i) & 7);
      }
    },
    finish: (length) => fixedData(new Bool(), bits, validity, length),
  };
}

function utf8Builder(capacity: number): Builder {
  const strings: (string | null)[] = new Array<string | null>(capacity).fill(null);
  const validity = new Validity(capacity);
  return {
    type: new Utf8(),
    add(vector, count, at) {
      for (let i = 0; i < count; i++) {
        const v = vector.getItem(i) as string | null;
        validity.set(at + i, v !== null);
        strings[at + i] = v;
      }
    },
    finish(length) {
      const offsets = new Int32Array(length + 1);
      let bytes = 0;
      for (let i = 0; i < length; i++) {
        const s = strings[i];
        if (s) bytes += Buffer.byteLength(s, 'utf8');
        offsets[i + 1] = bytes;
      }
      const data = Buffer.allocUnsafe(bytes);
      for (let i = 0; i < length; i++) {
        const s = strings[i];
        if (s) data.write(s, offsets[i]!, 'utf8');
      }
      const bitmap = validity.bitmap(length);
      return makeData({
        type: new Utf8(),
        length,
        nullCount: validity.nulls,
        ...(bitmap ? { nullBitmap: bitmap } : {}),
        valueOffsets: offsets,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      });
    },
  };
}
