import { endianness } from 'node:os';
import {
  type EncodedStructs,
  ThriftWriter,
  type ThriftStruct,
  encodeStructs,
} from './thrift-compact.js';

/**
 * A flat Parquet file written in JS: one row group, one PLAIN, uncompressed data page per column,
 * of strings, binaries, 64-bit integers, doubles and UTC microsecond timestamps. It exists so a
 * small write (a pond transaction's few oplog rows) needs no DuckDB: no instance to start, no temp
 * table, no COPY. Larger data goes through DuckDB (write-files.ts), which compresses and splits
 * it. The HydroVu collector hands its readings to DuckDB as such a file (hydrovu/wide-series.ts).
 */

export type ParquetKind = 'string' | 'binary' | 'long' | 'double' | 'timestamp';

export interface ParquetColumn {
  name: string;
  kind: ParquetKind;
  nullable: boolean;
  /**
   * One value a row; null only when nullable. long: an integer; double: a number; timestamp: µs
   * since the epoch. A double column that is not nullable may be a Float64Array, written as its
   * bytes (a column of thousands of readings costs no JS array and no loop).
   */
  values: readonly (string | Uint8Array | number | bigint | null)[] | Float64Array;
}

// Parquet's enums (parquet.thrift).
const INT64 = 2;
const DOUBLE = 5;
const BYTE_ARRAY = 6;
const REQUIRED = 0;
const OPTIONAL = 1;
const UTF8 = 0;
const TIMESTAMP_MICROS = 10;
const PLAIN = 0;
const RLE = 3;
const UNCOMPRESSED = 0;
const DATA_PAGE = 0;

const MAGIC = Buffer.from('PAR1', 'ascii');

/** The bytes of a Parquet file holding `columns` (all of the same length). */
export function parquetFile(columns: readonly ParquetColumn[], createdBy: string): Buffer {
  const numRows = columns[0]?.values.length ?? 0;
  const parts: Buffer[] = [MAGIC];
  let offset = MAGIC.length;
  const chunks: ThriftStruct[] = [];
  let rowGroupBytes = 0;
  for (const c of columns) {
    if (c.values.length !== numRows) throw new Error(`column ${c.name} has a different length`);
    const body = pageBody(c);
    const header = new ThriftWriter();
    header.struct([
      [1, 'i32', DATA_PAGE],
      [2, 'i32', body.length],
      [3, 'i32', body.length],
      [
        5,
        'struct',
        [
          [1, 'i32', numRows],
          [2, 'i32', PLAIN],
          [3, 'i32', RLE],
          [4, 'i32', RLE],
        ],
      ],
    ]);
    const size = header.length + body.length;
    chunks.push([
      [2, 'i64', offset],
      [
        3,
        'struct',
        [
          [1, 'i32', physicalType(c.kind)],
          [2, 'list-i32', c.nullable ? [PLAIN, RLE] : [PLAIN]],
          [3, 'list-binary', [c.name]],
          [4, 'i32', UNCOMPRESSED],
          [5, 'i64', numRows],
          [6, 'i64', size],
          [7, 'i64', size],
          [9, 'i64', offset],
        ],
      ],
    ]);
    parts.push(Buffer.from(header.bytes()), body);
    offset += size;
    rowGroupBytes += size;
  }
  const footer = new ThriftWriter();
  footer.struct([
    [1, 'i32', 1],
    [2, 'list-encoded', schemaOf(columns)],
    [3, 'i64', numRows],
    [
      4,
      'list-struct',
      [
        [
          [1, 'list-struct', chunks],
          [2, 'i64', rowGroupBytes],
          [3, 'i64', numRows],
        ],
      ],
    ],
    [6, 'binary', createdBy],
  ]);
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32LE(footer.length);
  parts.push(footer.bytes(), length, MAGIC);
  return Buffer.concat(parts);
}

// The footer's schema, the same for every file of a table: encoded once per column list.
const schemas = new Map<string, EncodedStructs>();

function schemaOf(columns: readonly ParquetColumn[]): EncodedStructs {
  const key = JSON.stringify(columns.map((c) => [c.name, c.kind, c.nullable]));
  let encoded = schemas.get(key);
  if (!encoded) {
    encoded = encodeStructs([
      [
        [4, 'binary', 'schema'],
        [5, 'i32', columns.length],
      ],
      ...columns.map(schemaElement),
    ]);
    if (schemas.size > 100) schemas.clear();
    schemas.set(key, encoded);
  }
  return encoded;
}

function physicalType(kind: ParquetKind): number {
  return kind === 'long' || kind === 'timestamp' ? INT64 : kind === 'double' ? DOUBLE : BYTE_ARRAY;
}

function schemaElement(c: ParquetColumn): ThriftStruct {
  const fields: ThriftStruct[number][] = [
    [1, 'i32', physicalType(c.kind)],
    [3, 'i32', c.nullable ? OPTIONAL : REQUIRED],
    [4, 'binary', c.name],
  ];
  if (c.kind === 'string') {
    fields.push([6, 'i32', UTF8], [10, 'struct', [[1, 'struct', []]]]);
  } else if (c.kind === 'timestamp') {
    // TIMESTAMP(isAdjustedToUTC = true, unit = MICROS): Delta's `timestamp`.
    fields.push(
      [6, 'i32', TIMESTAMP_MICROS],
      [
        10,
        'struct',
        [
          [
            8,
            'struct',
            [
              [1, 'bool', true],
              [2, 'struct', [[2, 'struct', []]]],
            ],
          ],
        ],
      ],
    );
  }
  return fields;
}

/** Definition levels (when nullable) then the PLAIN values of the non-null rows. */
function pageBody(c: ParquetColumn): Buffer {
  const parts: Buffer[] = [];
  const values = c.values;
  if (values instanceof Float64Array) {
    if (c.kind !== 'double' || c.nullable)
      throw new Error(`column ${c.name}: a Float64Array is a double column with no nulls`);
    return LITTLE_ENDIAN
      ? Buffer.from(values.buffer, values.byteOffset, values.byteLength)
      : Buffer.concat([...values].map((v) => doubleBytes(v)));
  }
  if (c.nullable) {
    const levels = definitionLevels(values);
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeUInt32LE(levels.length);
    parts.push(prefix, levels);
  }
  if (c.kind === 'long' || c.kind === 'timestamp') {
    const present = values.filter((v) => v !== null);
    const out = Buffer.allocUnsafe(8 * present.length);
    present.forEach((v, i) => out.writeBigInt64LE(BigInt(v as number | bigint), 8 * i));
    parts.push(out);
  } else if (c.kind === 'double') {
    const present = values.filter((v) => v !== null);
    const out = Buffer.allocUnsafe(8 * present.length);
    present.forEach((v, i) => out.writeDoubleLE(v as number, 8 * i));
    parts.push(out);
  } else {
    for (const v of values) {
      if (v === null) continue;
      const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v as Uint8Array);
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

function doubleBytes(v: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleLE(v);
  return out;
}

/** Whether a Float64Array's bytes are already PLAIN's (little-endian) order. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Levels 0 (null) and 1 as RLE runs of the hybrid encoding (bit width 1: one byte a value). */
function definitionLevels(values: readonly unknown[]): Buffer {
  const out: number[] = [];
  for (let i = 0; i < values.length;) {
    const level = values[i] === null ? 0 : 1;
    let run = 1;
    while (i + run < values.length && (values[i + run] === null ? 0 : 1) === level) run++;
    for (let h = run * 2; ; h = Math.floor(h / 128)) {
      if (h < 0x80) {
        out.push(h);
        break;
      }
      out.push((h & 0x7f) | 0x80);
    }
    out.push(level);
    i += run;
  }
  return Buffer.from(out);
}
