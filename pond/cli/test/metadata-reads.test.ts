import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAction, type Action } from '../../delta/actions.js';
import { readCheckpoint } from '../../delta/checkpoint-read.js';
import { checkpointRef, logDir, parseLogFileName } from '../../delta/log-listing.js';
import { DuckSession } from '../../duckdb/session.js';
import { literal } from '../../duckdb/sql.js';
import { readOplogFile } from '../../tlogfs/oplog-file.js';
import { readOplogFilesDuckDB } from '../../tlogfs/oplog-file-duckdb.js';
import { PARTITION_COLUMN, type OplogRow } from '../../tlogfs/oplog.js';
import { Pond } from '../../tlogfs/pond.js';
import { bound, POND_BIN, tempDir } from './run-pond.js';

const PROBE = resolve(import.meta.dirname, '../../../test-support/native-load-probe.cjs');

/** Runs `pond` with the probe preloaded; its stderr names every native module loaded. */
function probed(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', PROBE, POND_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const loadsDuckDB = (stderr: string) => /NATIVE-LOAD .*duckdb/.test(stderr);

/**
 * Metadata (checkpoints, oplog data files) is read in JS, not DuckDB: the rows must be exactly
 * the ones DuckDB reads from the same files, and `pond list` must not load DuckDB at all.
 */
describe('metadata reads without DuckDB', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let session: DuckSession;

  beforeAll(async () => {
    t = await tempDir('pond-metadata-');
    session = await DuckSession.open();
    const { ok } = bound(t.pond, t.dir);
    const csv = (name: string, body: string) => writeFile(join(t.dir, name), body);
    await csv('r1.csv', 'zeit,température\n2024-01-01T00:00:00Z,1.5\n2024-01-01T01:00:00Z,\n');
    await csv('r2.csv', 'zeit,température\n2024-01-02T00:00:00Z,2.5\n');
    await csv('sites.csv', 'id,name\n1,Nord\n2,Süd\n');
    await writeFile(join(t.dir, 'empty.bin'), '');
    await writeFile(join(t.dir, 'bytes.bin'), Buffer.from([0, 0xff, 0x5c, 0x78, 0x34, 0x31, 0x80]));
    await writeFile(
      join(t.dir, 'view.yaml'),
      'patterns:\n  source: "table:///sites.table"\nquery: "SELECT * FROM source WHERE id = 1"\n',
    );
    await ok('init', '--birthplace', 'metadata-test');
    await ok('mkdir', '-p', '/a/b');
    await ok(
      'copy',
      `host+csv+series://${join(t.dir, 'r1.csv')}`,
      '/a/r.series',
      '--timestamp-column',
      'zeit',
    );
    await ok(
      'copy',
      `host+csv+series://${join(t.dir, 'r2.csv')}`,
      '/a/r.series',
      '--timestamp-column',
      'zeit',
    );
    await ok('copy', `host+csv+table://${join(t.dir, 'sites.csv')}`, '/sites.table');
    await ok(
      'copy',
      `host://${join(t.dir, 'empty.bin')}`,
      `host://${join(t.dir, 'bytes.bin')}`,
      '/a/b/',
    );
    await ok(
      'mknod',
      'sql-derived-table',
      '/view.table',
      '--config-path',
      join(t.dir, 'view.yaml'),
    );
    // Many versions of one file (automatic compaction leaves removes for the checkpoints), and
    // a symlink, which no command makes.
    const pond = await Pond.open(t.pond);
    try {
      await pond.write({ command: ['link'] }, async (txn) =>
        (await txn.wd()).create('/a/link', { kind: 'symlink', target: '/a/r.series' }),
      );
      for (let i = 0; i < 24; i++) {
        await pond.write({ command: ['w', String(i)] }, async (txn) =>
          (await txn.wd()).writeFile('/a/notes.txt', 'data', { bytes: Buffer.from(`v${i} é\n`) }),
        );
      }
    } finally {
      await pond.close();
    }
  }, 120_000);

  afterAll(async () => {
    session?.close();
    await t?.cleanup();
  });

  it('reads the same oplog rows as DuckDB from every data file', async () => {
    const pond = await Pond.open(t.pond);
    try {
      const files = pond.delta.snapshot.files.map((add) => ({
        path: pond.delta.snapshot.filePath(add),
        partId: add.partitionValues[PARTITION_COLUMN]!,
      }));
      const all: OplogRow[] = [];
      for (const f of files) {
        const js = await readOplogFile(f.path, f.partId);
        const duck = (await readOplogFilesDuckDB(session, [f], {})).get(f.path)!;
        expect(js.length).toBeGreaterThan(0);
        expect(js).toEqual(duck);
        all.push(...js);
      }
      // The files cover every entry type and value shape the comparison is meant to check.
      const types = new Set(all.map((r) => r.entry_type));
      for (const type of ['directory', 'data', 'table', 'series', 'symlink'])
        expect(types).toContain(type);
      expect(all.some((r) => r.factory === 'sql-derived-table')).toBe(true);
      expect(all.some((r) => r.content !== null && r.content.length === 0)).toBe(true);
      expect(all.some((r) => r.content?.length === 7 && r.content[1] === 0xff)).toBe(true);
      expect(all.some((r) => r.content === null)).toBe(true);
      expect(all.some((r) => r.min_event_time !== null && r.timestamp_column === 'zeit')).toBe(
        true,
      );
      expect(all.some((r) => r.blob !== null)).toBe(true);
      expect(Math.max(...all.map((r) => r.version))).toBeGreaterThanOrEqual(20);
    } finally {
      await pond.close();
    }
  });

  it('reads the same actions as DuckDB from every checkpoint', async () => {
    const names = await readdir(logDir(join(t.pond, 'data')));
    const checkpoints = names
      .map((n) => parseLogFileName(n))
      .filter((p) => p?.kind === 'checkpoint');
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    let removes = 0;
    for (const cp of checkpoints) {
      const ref = checkpointRef(cp!.version, undefined);
      const file = join(logDir(join(t.pond, 'data')), ref.files[0]!);
      const rows = await session.allJson<Record<string, string | null>>(
        `SELECT to_json("add")::VARCHAR AS "add", to_json("remove")::VARCHAR AS "remove", ` +
          `to_json(txn)::VARCHAR AS txn, to_json("metaData")::VARCHAR AS "metaData", ` +
          `to_json(protocol)::VARCHAR AS protocol FROM read_parquet(${literal(file)})`,
      );
      const src = { file, version: ref.version };
      const duck: Action[] = rows.flatMap((r) => {
        const json = Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, v === null ? null : JSON.parse(v)]),
        );
        const a = parseAction(json, src);
        return a ? [a] : [];
      });
      const root = join(t.pond, 'data');
      expect(await readCheckpoint(root, ref, 'all')).toEqual(duck);
      const state = await readCheckpoint(root, ref, 'state');
      const gone = await readCheckpoint(root, ref, 'removes');
      expect([...state, ...gone].length).toBe(duck.length);
      expect(gone.every((a) => 'remove' in a)).toBe(true);
      removes += gone.length;
    }
    expect(removes).toBeGreaterThan(0);
  });

  it('`pond list` opens the pond and lists it without loading DuckDB', async () => {
    for (const args of [['list', '/'], ['list'], ['list', '-l', '--as-of', '3', '/a/']]) {
      const r = await probed(['--pond', t.pond, ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('/a');
      expect(loadsDuckDB(r.stderr), `pond ${args.join(' ')}: ${r.stderr}`).toBe(false);
    }
    // The probe does see DuckDB when a command queries content.
    const cat = await probed(['--pond', t.pond, 'cat', '/sites.table']);
    expect(cat.code, cat.stderr).toBe(0);
    expect(cat.stdout).toContain('Süd');
    expect(loadsDuckDB(cat.stderr)).toBe(true);
  });

  it('a push to a file:// backup and its verify read the oplog in JS, without DuckDB', async () => {
    const backup = `file://${join(t.dir, 'backup')}`;
    expect((await probed(['--pond', t.pond, 'backup', 'add', 'b', backup])).code).toBe(0);
    for (const args of [['push'], ['verify']]) {
      const r = await probed(['--pond', t.pond, ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(loadsDuckDB(r.stderr), `pond ${args.join(' ')}: ${r.stderr}`).toBe(false);
    }
    // Every blob the oplog names travelled with it.
    const verify = await probed(['--pond', t.pond, 'verify']);
    expect(verify.stdout).toContain('up to date');
    expect(verify.stdout).toContain('OK');
  });
});
