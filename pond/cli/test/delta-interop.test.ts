import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bound, tempDir } from './run-pond.js';

/**
 * An independent Delta reader reads the pond's table: chdb (ClickHouse in Node) with
 * delta-kernel-rs, at the latest version and at every earlier one, after several commits, a
 * checkpoint (> 10 commits) and a maintain, and agrees with `pond show` on every oplog row (part,
 * node, type, version, transaction, where the content is).
 *
 * chdb is big, so it is not a dependency: CI installs it in a cache of its own (.ci/run) and
 * names the folder given to `npm install --prefix` in POND_CHDB_DIR. Without it this test skips.
 */
function chdbDir(): { dir?: string; why?: string } {
  const dir = process.env['POND_CHDB_DIR'];
  if (!dir) return { why: 'POND_CHDB_DIR is not set (see .ci/run)' };
  if (!existsSync(join(dir, 'node_modules', 'chdb')))
    return { why: `no chdb in ${dir}/node_modules (npm install --prefix ${dir} chdb)` };
  return { dir };
}

const { dir: chdb, why } = chdbDir();
if (!chdb) console.log(`delta interop test skipped: ${why}`);

/**
 * Runs queries in chdb, in a child process whose working folder holds the table: ClickHouse
 * reads local files only inside its user_files_path, which chdb sets to the working folder.
 */
function chdbQueries(cwd: string, queries: string[]): string[] {
  const script = `
    const { createRequire } = require('node:module');
    const { query } = createRequire(process.argv[1] + '/package.json')('chdb');
    const queries = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    process.stdout.write(JSON.stringify(queries.map((q) => query(q, 'TSV'))));`;
  const out = execFileSync(process.execPath, ['-e', script, chdb!], {
    cwd,
    input: JSON.stringify(queries),
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out.toString('utf8')) as string[];
}

describe.skipIf(!chdb)('Delta interop: chdb (delta-kernel-rs) reads the pond', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  beforeAll(async () => {
    t = await tempDir('pond-interop-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'interop');
    await p.ok('mkdir', '-p', '/sensors/north');
    for (let i = 0; i < 6; i++) {
      // Series versions (blobs), small data files (inline) and a big one (a blob).
      const csv = join(t.dir, `n${i}.csv`);
      await writeFile(
        csv,
        `timestamp,temperature\n2024-01-0${i + 1}T00:00:00Z,${i}.5\n2024-01-0${i + 1}T01:00:00Z,${i}.25\n`,
      );
      await p.ok('copy', `host+csv+series://${csv}`, '/sensors/north/temperature.series');
      const note = join(t.dir, `note${i}.txt`);
      await writeFile(note, i === 3 ? 'x'.repeat(100_000) : `note ${i}\n`);
      await p.ok('copy', `host://${note}`, '/sensors/north/');
    }
    await p.ok('maintain');
    await writeFile(join(t.dir, 'after.txt'), 'after maintain\n');
    await p.ok('copy', `host://${join(t.dir, 'after.txt')}`, '/after.txt');
  });
  afterAll(async () => t.cleanup());

  /** `pond show` as one line per oplog row, with the transaction that wrote it. */
  async function shown(): Promise<{ txn: number; line: string }[]> {
    const rows: { txn: number; line: string }[] = [];
    let txn = -1;
    for (const l of (await p.ok('show')).split('\n')) {
      const head = /^Transaction (\d+) /.exec(l);
      if (head) txn = Number(head[1]);
      const row =
        /^ {2}part (\w{8}) node (\w{8}) (\w+) +v(\d+) (blob sha256=\w{12}|inline|empty)/.exec(l);
      if (row)
        rows.push({ txn, line: `${row[1]} ${row[2]} ${row[3]} v${row[4]} ${row[5]} txn ${txn}` });
    }
    return rows;
  }

  /** The query of the oplog rows at a Delta version (latest when undefined), in the same form. */
  function rowsAt(version?: number): string {
    const settings = ['allow_experimental_delta_kernel_rs = 1'];
    if (version !== undefined) settings.push(`delta_lake_snapshot_version = ${version}`);
    const sql =
      `SELECT concat(right(part_id, 8), ' ', right(node_id, 8), ' ', entry_type, ' v', toString(version), ' ', ` +
      `if(blob IS NOT NULL, concat('blob sha256=', left(blob, 12)), if(content IS NOT NULL, 'inline', 'empty')), ` +
      `' txn ', toString(txn_seq)) AS line ` +
      `FROM deltaLakeLocal('${join(t.pond, 'data')}') SETTINGS ${settings.join(', ')}`;
    return sql;
  }

  it('reads every version as pond show and pond log report it', async () => {
    const rows = await shown();
    const last = Number(/Transaction (\d+)/.exec(await p.ok('log', '--limit', '1'))![1]);
    expect(last).toBeGreaterThan(10); // a checkpoint was written at 10 (and by maintain)
    expect(rows.length).toBeGreaterThan(20);
    const versions = Array.from({ length: last }, (_, i) => i + 1);
    const [latest, ...earlier] = chdbQueries(t.dir, [
      rowsAt(),
      ...versions.map((v) => rowsAt(v)),
    ]).map((text) => text.split('\n').filter((l) => l !== ''));
    expect(latest!.sort()).toEqual(rows.map((r) => r.line).sort());
    const log = await p.ok('log', '--limit', '100');
    for (const v of versions) {
      const expected = rows.filter((r) => r.txn <= v).map((r) => r.line);
      expect(earlier[v - 1]!.sort(), `version ${v}`).toEqual(expected.sort());
      expect(log).toMatch(new RegExp(`^Transaction ${v} `, 'm'));
    }
    console.log(`chdb read ${last} versions of ${rows.length} oplog rows`);
  });
});
