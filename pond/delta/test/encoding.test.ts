import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { absoluteDataPath, decodeDataPath, encodeDataPath, fileKey } from '../data-paths.js';
import {
  canonicalPartitionValue,
  parsePartitionValue,
  serializePartitionValue,
} from '../partition-values.js';
import { duckdbType, parseSchema, serializeSchema } from '../schema.js';
import { parseLeafPath, parseStats, truncateMax, truncateMin } from '../stats.js';
import { parseInterval } from '../table-config.js';

/** The protocol's text encodings: schemas, partition values, paths, stats, intervals. */

describe('schema', () => {
  const spark =
    '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":false,"metadata":{}},' +
    '{"name":"b","type":{"type":"struct","fields":[{"name":"d","type":"decimal(10,2)","nullable":true,"metadata":{"comment":"x"}}]},"nullable":true,"metadata":{}},' +
    '{"name":"c","type":{"type":"array","elementType":"timestamp","containsNull":false},"nullable":true,"metadata":{}},' +
    '{"name":"f","type":{"type":"map","keyType":"string","valueType":"binary","valueContainsNull":true},"nullable":true,"metadata":{}}]}';

  it('round-trips Spark schema strings', () => {
    const s = parseSchema(spark);
    expect(serializeSchema(s)).toBe(spark);
    expect(s.fields[1]!.type).toEqual({
      type: 'struct',
      fields: [
        {
          name: 'd',
          type: { type: 'decimal', precision: 10, scale: 2 },
          nullable: true,
          metadata: { comment: 'x' },
        },
      ],
    });
    expect(s.fields.map((f) => duckdbType(f.type))).toEqual([
      'INTEGER',
      'STRUCT("d" DECIMAL(10,2))',
      'TIMESTAMPTZ[]',
      'MAP(VARCHAR, BLOB)',
    ]);
  });

  it('accepts legacy spellings and refuses unknown types by name', () => {
    const one = (t: string): string =>
      `{"type":"struct","fields":[{"name":"x","type":${t},"nullable":true,"metadata":{}}]}`;
    expect(parseSchema(one('"decimal"')).fields[0]!.type).toEqual({
      type: 'decimal',
      precision: 10,
      scale: 0,
    });
    expect(parseSchema(one('"decimal(10, 4)"')).fields[0]!.type).toEqual({
      type: 'decimal',
      precision: 10,
      scale: 4,
    });
    expect(() => parseSchema(one('"timestamp_ntz"'))).toThrow(/'x' has type 'timestamp_ntz'/);
    expect(() => parseSchema(one('"variant"'))).toThrow(
      expect.objectContaining({ code: ErrorCode.DeltaUnsupported }),
    );
    expect(() => parseSchema('{"type":')).toThrow(
      expect.objectContaining({ code: ErrorCode.DeltaCorrupt }),
    );
  });
});

describe('partition values', () => {
  it('decodes by type, with "" and null as null', () => {
    expect(parsePartitionValue('long', '-9223372036854775808', 'c')).toBe(-9223372036854775808n);
    expect(parsePartitionValue('integer', '42', 'c')).toBe(42);
    expect(parsePartitionValue('double', '1.0E-5', 'c')).toBe(0.00001);
    expect(parsePartitionValue('boolean', 'false', 'c')).toBe(false);
    expect(parsePartitionValue('date', '0050-02-03', 'c')).toEqual(
      new Date('0050-02-03T00:00:00Z'),
    );
    expect(parsePartitionValue('timestamp', '2021-09-08 11:11:11', 'c')).toEqual(
      new Date('2021-09-08T11:11:11Z'),
    );
    expect(parsePartitionValue('timestamp', '1970-01-01T00:00:00.123456Z', 'c')).toEqual(
      new Date(123),
    );
    expect(parsePartitionValue('timestamp', '2021-09-08T11:11:11+02:00', 'c')).toEqual(
      new Date('2021-09-08T09:11:11Z'),
    );
    expect(parsePartitionValue('binary', '😈', 'c')).toEqual(
      new Uint8Array([0xf0, 0x9f, 0x98, 0x88]),
    );
    expect(parsePartitionValue({ type: 'decimal', precision: 5, scale: 2 }, '1.50', 'c')).toBe(
      '1.50',
    );
    expect(parsePartitionValue('string', '', 'c')).toBeNull();
    expect(parsePartitionValue('string', null, 'c')).toBeNull();
    expect(() => parsePartitionValue('integer', '1.5', 'c')).toThrow(
      /'1.5' of column 'c' is not a valid integer/,
    );
    expect(() => parsePartitionValue('date', '2021-02-30', 'c')).toThrow(
      expect.objectContaining({ code: ErrorCode.DeltaCorrupt }),
    );
  });

  it('compares values of any spelling', () => {
    expect(canonicalPartitionValue('integer', '007', 'c')).toBe(
      canonicalPartitionValue('integer', '7', 'c'),
    );
    const dec = { type: 'decimal' as const, precision: 5, scale: 2 };
    expect(canonicalPartitionValue(dec, '1.50', 'c')).toBe(
      canonicalPartitionValue(dec, '1.5', 'c'),
    );
    expect(canonicalPartitionValue('timestamp', '1970-01-01 00:00:01', 'c')).toBe(
      canonicalPartitionValue('timestamp', '1970-01-01T00:00:01.000000Z', 'c'),
    );
  });

  it('serializes DuckDB partition text in the protocol form', () => {
    expect(serializePartitionValue('timestamp', '2024-01-01 10:00:00.5+00', 'c')).toBe(
      '2024-01-01T10:00:00.500000Z',
    );
    expect(serializePartitionValue('timestamp', '1969-12-31 23:59:59.999999+00', 'c')).toBe(
      '1969-12-31T23:59:59.999999Z',
    );
    expect(serializePartitionValue('string', 'a/b', 'c')).toBe('a/b');
    expect(serializePartitionValue('string', null, 'c')).toBeNull();
    expect(() => serializePartitionValue('string', '', 'c')).toThrow(/empty string/);
  });
});

describe('data file paths', () => {
  it('encodes once and decodes once', () => {
    const dir = 'letter=%2F%2520%25f/part-0.parquet'; // what a Hive-style writer names the folder
    expect(encodeDataPath(dir)).toBe('letter=%252F%252520%2525f/part-0.parquet');
    for (const p of [dir, 'a b/c+d/é😀/x:y#?.parquet', 'special p@#h'])
      expect(decodeDataPath(encodeDataPath(p))).toBe(p);
    expect(absoluteDataPath('/t', 'x%20y/z.parquet')).toBe('/t/x y/z.parquet');
    expect(absoluteDataPath('/t', 'file:///data/a%20b.parquet')).toBe('/data/a b.parquet');
    expect(fileKey('/t', 'file:///t/p%3D1/a.parquet')).toBe('p=1/a.parquet');
    expect(fileKey('/t', 'p%3D1/a.parquet')).toBe('p=1/a.parquet');
    expect(() => absoluteDataPath('/t', 's3://bucket/a.parquet')).toThrow(
      expect.objectContaining({ code: ErrorCode.DeltaUnsupported }),
    );
    expect(() => decodeDataPath('bad%zz')).toThrow(
      expect.objectContaining({ code: ErrorCode.DeltaCorrupt }),
    );
  });
});

describe('stats', () => {
  it('truncates strings to bounds in UTF-8 order', () => {
    const long = 'é'.repeat(40);
    expect(truncateMin(long)).toBe('é'.repeat(32));
    expect(truncateMax(long)).toBe('é'.repeat(32) + '\u{10FFFF}');
    expect(truncateMax('short')).toBe('short');
    expect(truncateMax('a'.repeat(32) + '\u{10FFFF}')).toBeUndefined();
    // Code points, not UTF-16 units: an emoji is never split.
    expect([...truncateMin('😀'.repeat(40))]).toHaveLength(32);
  });

  it('parses DuckDB leaf paths and stats JSON', () => {
    expect(parseLeafPath('"a"')).toEqual(['a']);
    expect(parseLeafPath('"s"."x ""y"""')).toEqual(['s', 'x "y"']);
    const add = { path: 'f', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true };
    expect(parseStats(add)).toBeUndefined();
    expect(parseStats({ ...add, stats: '{"numRecords":3,"minValues":{"a":1}}' })).toEqual({
      numRecords: 3,
      minValues: { a: 1 },
      maxValues: {},
      nullCount: {},
    });
    expect(() => parseStats({ ...add, stats: '{"numRecords":' })).toThrow(
      expect.objectContaining({ code: ErrorCode.DeltaCorrupt }),
    );
  });
});

describe('table properties', () => {
  it('parses Spark interval strings', () => {
    expect(parseInterval('interval 1 week')).toBe(7 * 86400_000);
    expect(parseInterval('interval 2 days 12 hours')).toBe(2.5 * 86400_000);
    expect(parseInterval('30 seconds')).toBe(30_000);
    expect(() => parseInterval('interval 1 fortnight')).toThrow(/invalid value/);
  });
});
