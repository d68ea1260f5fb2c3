import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal } from '../../duckdb/sql.js';
import { copyIn } from '../../import/copy-in.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * Parquet files with nested columns (a STRUCT, a LIST, a field name with a space) import as
 * tables and series, stored byte for byte; their type names are checked as strictly as any other
 * type that reaches SQL text (plan-edits.test.ts), not refused as "not a type name".
 */
describe('nested Parquet import', () => {
  let s: Sandbox;
  let file: string;

  beforeAll(async () => {
    s = await sandbox('import-nested-');
    file = `${s.dir}/nested.parquet`;
    await s.duck(
      `COPY (SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp,
                    {'a': i, 'b c': [i, i + 1]} AS s, [1.5, i::DOUBLE] AS l
             FROM range(3) t(i)) TO ${literal(file)} (FORMAT parquet)`,
    );
  });
  afterAll(async () => s.close());

  const sha = async (path: string) =>
    createHash('sha256')
      .update(await readFile(path))
      .digest('hex');

  it('a STRUCT and a LIST column: stored as they are, as a table and as a series, and appended', async () => {
    for (const dest of ['/n.table', '/n.series']) {
      const kind = dest.endsWith('series') ? 'series' : 'table';
      await copyIn(s.pond, [`host+${kind}://${file}`], dest, { command: ['t'] });
      await copyIn(s.pond, [`host+${kind}://${file}`], dest, { command: ['t'] });
      const blobs = await s.pond.read(async (txn) => {
        const node = (await (await txn.wd()).get(dest)).node;
        if (!('versions' in node)) throw new Error('not a file');
        return (await node.versions()).map((v) => v.blobPath!);
      });
      expect(blobs).toHaveLength(2);
      for (const b of blobs) expect(await sha(b)).toBe(await sha(file));
    }
    // A retype of a nested column is a cast DuckDB checks, the type spelled its way.
    await copyIn(
      s.pond,
      [`host+table://${file}`],
      '/text.table',
      { command: ['t'] },
      {
        columns: [{ column: 's', type: 'varchar' }],
      },
    );
    const rows = await s.pond.read(async (txn) => {
      const node = (await (await txn.wd()).get('/text.table')).node;
      if (!('versions' in node)) throw new Error('not a file');
      return s.duck(
        `SELECT s, typeof(l) AS l FROM read_parquet(${literal((await node.versions())[0]!.blobPath!)}) LIMIT 1`,
      );
    });
    expect(rows).toEqual([{ s: `{'a': 0, 'b c': [0, 1]}`, l: 'DOUBLE[]' }]);
  });
});
