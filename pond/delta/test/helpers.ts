import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ident, stringList } from '../../duckdb/sql.js';
import type { DuckSession } from '../../duckdb/session.js';
import { type Snapshot, duckdbType, scanSql } from '../index.js';

/** Shared by the delta tests: temp folders, the golden fixtures, comparing relations. */

export const FIXTURES = path.resolve(process.cwd(), '../shared/delta-fixtures');
export const GOLDEN = path.join(FIXTURES, 'golden');
export const haveFixtures = fs.existsSync(path.join(GOLDEN, 'manifest.json'));
if (!haveFixtures) console.log(`delta golden tests skipped: ${GOLDEN}/manifest.json not found`);

export interface ManifestEntry {
  name: string;
  kind: 'rows' | 'metadata' | 'error';
}

export function manifest(): ManifestEntry[] {
  return haveFixtures
    ? (JSON.parse(fs.readFileSync(path.join(GOLDEN, 'manifest.json'), 'utf8')) as ManifestEntry[])
    : [];
}

export function goldenTable(name: string): string {
  return path.join(GOLDEN, name, name, 'delta');
}

export function goldenExpected(name: string): string[] {
  const dir = path.join(GOLDEN, name, name, 'expected');
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => path.join(dir, f));
}

export async function tempDir(prefix = 'pond-delta-'): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true });
}

/** A writable copy of a golden table (fixtures are read-only). */
export async function copyTable(src: string, dest: string): Promise<string> {
  await fs.promises.cp(src, dest, { recursive: true });
  await makeWritable(dest);
  return dest;
}

async function makeWritable(p: string): Promise<void> {
  const st = await fs.promises.stat(p);
  await fs.promises.chmod(p, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory())
    for (const e of await fs.promises.readdir(p)) await makeWritable(path.join(p, e));
}

/** Rows of a snapshot as text, each column cast to its schema type first, so both sides match. */
export function textRelation(snapshot: Snapshot, relation: string): string {
  return `SELECT ${snapshot.schema.fields
    .map(
      (f) => `CAST(CAST(${ident(f.name)} AS ${duckdbType(f.type)}) AS VARCHAR) AS ${ident(f.name)}`,
    )
    .join(', ')} FROM (${relation})`;
}

/** Rows in one relation and not the other (as multisets), both ways. */
export async function multisetDiff(
  session: DuckSession,
  a: string,
  b: string,
): Promise<{ extra: number; missing: number }> {
  const [x] = await session.all<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM ((${a}) EXCEPT ALL (${b}))`,
  );
  const [y] = await session.all<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM ((${b}) EXCEPT ALL (${a}))`,
  );
  return { extra: x!.n, missing: y!.n };
}

/** Compares a snapshot's scan with the rows of parquet files, as text multisets. */
export async function compareWithParquet(
  session: DuckSession,
  snapshot: Snapshot,
  files: string[],
): Promise<{ extra: number; missing: number; columns: string[] }> {
  const described = await session.all<{ column_name: string }>(
    `DESCRIBE SELECT * FROM read_parquet(${stringList(files)})`,
  );
  const diff = await multisetDiff(
    session,
    textRelation(snapshot, scanSql(snapshot)),
    textRelation(snapshot, `SELECT * FROM read_parquet(${stringList(files)})`),
  );
  return { ...diff, columns: described.map((d) => d.column_name) };
}

/** A small deterministic PRNG (mulberry32), so randomized tests can print and replay a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
