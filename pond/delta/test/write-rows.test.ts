import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { DuckSession } from '../../duckdb/session.js';
import { literal } from '../../duckdb/sql.js';
import { DeltaTable, type JsRow, type StructType, scanSql } from '../index.js';
import { parquetFile } from '../parquet-writer.js';
import { multisetDiff, prng, removeDir, tempDir, textRelation } from './helpers.js';
import { lintTable } from './log-lint.js';

/**
 * Rows written in JS (write-rows.ts, parquet-writer.ts) against the same rows written by DuckDB
 * (write-files.ts): the tables read the same, and each file's stats are the same text.
 */

const SCHEMA: StructType = {
  type: 'struct',
  fields: [
    { name: 'part', type: 'string', nullable: false, metadata: {} },
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 's', type: 'string', nullable: true, metadata: {} },
    { name: 'b', type: 'binary', nullable: true, metadata: {} },
    { name: 'n', type: 'long', nullable: true, metadata: {} },
    { name: 't', type: 'timestamp', nullable: true, metadata: {} },
  ],
};

// Strings whose UTF-16 and UTF-8 orders differ (U+FFFD vs an astral character), long ones, empty.
const STRINGS = ['', 'a', 'é', '\u{FFFD}', '\u{1F600}', 'x'.repeat(40), 'ü'.repeat(33), 'a\u0000b'];
const PARTS = ['p', 'a/b c%', 'é'];

function randomRows(rand: () => number, count: number, extremes: boolean): JsRow[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => ({
    part: pick(PARTS),
    id: i,
    s: rand() < 0.2 ? null : pick(STRINGS),
    b:
      rand() < 0.3 ? null : Uint8Array.from({ length: Math.floor(rand() * 5) }, () => rand() * 256),
    n:
      rand() < 0.2
        ? null
        : pick([
            0,
            -1,
            2 ** 53 - 1,
            -(2 ** 53 - 1),
            ...(extremes ? [2n ** 63n - 1n, -(2n ** 63n), 2 ** 60 + 2 ** 8] : []),
          ]),
    t:
      rand() < 0.2
        ? null
        : pick([
            0n,
            -1n,
            1_700_000_000_123_456n,
            -62_135_596_800_000_000n,
            253_402_300_799_999_999n,
          ]),
  }));
}

/** The same rows as a DuckDB relation (for the DuckDB writer). */
function valuesSql(rows: readonly JsRow[]): string {
  const v = (x: JsRow[string], type: string): string =>
    x === null
      ? `NULL::${type}`
      : x instanceof Uint8Array
        ? `from_hex(${literal(Buffer.from(x).toString('hex'))})`
        : typeof x === 'string'
          ? `decode(from_hex(${literal(Buffer.from(x).toString('hex'))}))` // NUL-safe
          : type === 'TIMESTAMPTZ'
            ? `make_timestamptz(CAST('${BigInt(x)}' AS BIGINT))`
            : `CAST('${BigInt(x)}' AS BIGINT)`; // the exact integer, not JS's shortest form
  return rows
    .map(
      (r) =>
        `SELECT ${v(r['part']!, 'VARCHAR')} AS part, ${v(r['id']!, 'BIGINT')} AS id, ${v(r['s']!, 'VARCHAR')} AS s, ` +
        `${v(r['b']!, 'BLOB')} AS b, ${v(r['n']!, 'BIGINT')} AS n, ${v(r['t']!, 'TIMESTAMPTZ')} AS t`,
    )
    .join(' UNION ALL ');
}

describe('writing rows held in JS', () => {
  let session: DuckSession;
  let tmp: string;
  beforeAll(async () => {
    session = await DuckSession.open({ threads: 1 });
    tmp = await tempDir();
  });
  afterAll(async () => {
    session.close();
    await removeDir(tmp);
  });

  it('reads as the DuckDB writer writes, with the same stats, in DuckDB and in the lint', async () => {
    const seed = Number(process.env['POND_DELTA_SEED'] ?? Date.now() % 100_000);
    const rand = prng(seed);
    for (let round = 0; round < 4; round++) {
      // The lint reads stats with JSON.parse, which rounds longs past 2^53: those rounds skip it.
      const extremes = round % 2 === 1;
      const rows = randomRows(rand, 1 + Math.floor(rand() * 40), extremes);
      const js = await DeltaTable.create(path.join(tmp, `js${round}`), session, {
        schema: SCHEMA,
        partitionColumns: ['part'],
      });
      const duck = await DeltaTable.create(path.join(tmp, `duck${round}`), session, {
        schema: SCHEMA,
        partitionColumns: ['part'],
      });
      const jsAdds = await js.writeRows(rows);
      const duckAdds = await duck.writeFiles(valuesSql(rows));
      await js.commit({
        actions: jsAdds.map((add) => ({ add })),
        readVersion: 0,
        blindAppend: true,
      });
      await duck.commit({
        actions: duckAdds.map((add) => ({ add })),
        readVersion: 0,
        blindAppend: true,
      });
      const statsByPart = (adds: typeof jsAdds) =>
        new Map(adds.map((a) => [a.partitionValues['part'], a.stats]));
      expect(statsByPart(jsAdds), `seed ${seed}`).toEqual(statsByPart(duckAdds));
      const diff = await multisetDiff(
        session,
        textRelation(js.snapshot, scanSql(js.snapshot)),
        textRelation(duck.snapshot, scanSql(duck.snapshot)),
      );
      expect(diff, `seed ${seed}`).toEqual({ extra: 0, missing: 0 });
      if (!extremes) await lintTable(session, js.root);
    }
  });

  it('refuses rows that do not fit the schema, and columns it cannot write, leaving no files', async () => {
    const root = path.join(tmp, 'refuse');
    const table = await DeltaTable.create(root, session, {
      schema: SCHEMA,
      partitionColumns: ['part'],
    });
    const row = { part: 'p', id: 1, s: 'x', b: null, n: null, t: null };
    const count = async (): Promise<number> =>
      (await fs.readdir(root, { recursive: true })).filter((f) => String(f).endsWith('.parquet'))
        .length;
    await expect(table.writeRows([row, { ...row, id: null }])).rejects.toThrow(
      /non-nullable column 'id'/,
    );
    await expect(table.writeRows([row, { ...row, n: 1.5 }])).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      input: 'n',
    });
    await expect(table.writeRows([{ ...row, s: 7 }])).rejects.toThrow(/column 's' \(string\)/);
    await expect(table.writeRows([{ ...row, n: 2n ** 63n }])).rejects.toThrow(/column 'n'/);
    await expect(table.writeRows([{ ...row, n: 2 ** 63 }])).rejects.toThrow(/column 'n'/);
    await expect(table.writeRows([{ ...row, extra: 'y' }])).rejects.toThrow(
      /'extra' is not in the table schema/,
    );
    await expect(table.writeRows([{ ...row, part: '' }])).rejects.toThrow(/empty string/);
    expect(await count()).toBe(0);
    const doubles = await DeltaTable.create(path.join(tmp, 'doubles'), session, {
      schema: {
        type: 'struct',
        fields: [{ name: 'x', type: 'double', nullable: true, metadata: {} }],
      },
      partitionColumns: [],
    });
    await expect(doubles.writeRows([{ x: 1 }])).rejects.toMatchObject({
      code: ErrorCode.DeltaUnsupported,
    });
  });

  it('writes doubles bit for bit, with nulls or as a Float64Array, as DuckDB reads them', async () => {
    const rand = prng(11);
    const view = new DataView(new ArrayBuffer(8));
    const randomDouble = () => {
      view.setUint32(0, Math.floor(rand() * 2 ** 32));
      view.setUint32(4, Math.floor(rand() * 2 ** 32));
      return view.getFloat64(0);
    };
    const EDGES = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 0.1, -1.5];
    const count = 3000;
    const nullable = Array.from({ length: count }, (_, i) =>
      i < EDGES.length ? EDGES[i]! : rand() < 0.2 ? null : randomDouble(),
    );
    // A Float64Array that is a view into the middle of a larger buffer (its byteOffset is not 0).
    const memory = new Float64Array(count + 7);
    for (let i = 0; i < memory.length; i++)
      memory[i] = i < EDGES.length ? EDGES[i]! : randomDouble();
    const plain = memory.subarray(5, 5 + count);
    const file = path.join(tmp, 'doubles.parquet');
    await fs.writeFile(
      file,
      parquetFile(
        [
          { name: 'i', kind: 'long', nullable: false, values: nullable.map((_, i) => i) },
          { name: 'a', kind: 'double', nullable: true, values: nullable },
          { name: 'b', kind: 'double', nullable: false, values: plain },
        ],
        'test',
      ),
    );
    const from = `read_parquet(${literal(file)})`;
    const schema = await session.all<{ name: string; type: string; repetition_type: string }>(
      `SELECT name, type, repetition_type FROM parquet_schema(${literal(file)}) WHERE name IN ('a', 'b') ORDER BY name`,
    );
    expect(schema).toEqual([
      { name: 'a', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'b', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    ]);
    const rows = await session.all<{
      a: number | null;
      b: number;
      a_neg: boolean | null;
      b_neg: boolean;
    }>(`SELECT a, b, signbit(a) AS a_neg, signbit(b) AS b_neg FROM ${from} ORDER BY i`);
    expect(rows.length).toBe(count);
    const bad: number[] = [];
    rows.forEach((r, i) => {
      const a = nullable[i]!;
      const b = plain[i]!;
      if (!Object.is(r.a, a) || !Object.is(r.b, b)) bad.push(i);
      // The sign of -0 as DuckDB sees it, not only as it comes back to JS.
      if (a !== null && !Number.isNaN(a) && r.a_neg !== (a < 0 || Object.is(a, -0))) bad.push(i);
      if (!Number.isNaN(b) && r.b_neg !== (b < 0 || Object.is(b, -0))) bad.push(i);
    });
    expect(bad).toEqual([]);
    // NaN is a value, not a null; nulls are where the array had them.
    const [counts] = await session.all<{ nulls: bigint; nans: bigint }>(
      `SELECT count(*) FILTER (a IS NULL) AS nulls, count(*) FILTER (isnan(a)) AS nans FROM ${from}`,
    );
    expect(Number(counts!.nulls)).toBe(nullable.filter((x) => x === null).length);
    expect(Number(counts!.nans)).toBe(nullable.filter((x) => x !== null && Number.isNaN(x)).length);
    // Empty columns, and a Float64Array the writer cannot take (a nullable one) is refused.
    await fs.writeFile(
      file,
      parquetFile(
        [{ name: 'b', kind: 'double', nullable: false, values: new Float64Array(0) }],
        'test',
      ),
    );
    expect(await session.all(`SELECT * FROM ${from}`)).toEqual([]);
    expect(() =>
      parquetFile(
        [{ name: 'b', kind: 'double', nullable: true, values: new Float64Array(1) }],
        'test',
      ),
    ).toThrow(/Float64Array/);
  });
});
