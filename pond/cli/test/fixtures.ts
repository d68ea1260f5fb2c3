import { writeFile } from 'node:fs/promises';
import { DuckSession } from '../../duckdb/session.js';
import { literal } from '../../duckdb/sql.js';

/** Writes a Parquet file with plain DuckDB from a SELECT. */
export async function writeParquet(path: string, select: string): Promise<void> {
  const s = await DuckSession.open({ threads: 1 });
  try {
    await s.run(`COPY (${select}) TO ${literal(path)} (FORMAT parquet)`);
  } finally {
    s.close();
  }
}

/** Runs a query with plain DuckDB (to compute expected values independently of the pond). */
export async function duck<T extends Record<string, unknown> = Record<string, unknown>>(
  sql: string,
): Promise<T[]> {
  const s = await DuckSession.open({ threads: 1 });
  try {
    return await s.all<T>(sql);
  } finally {
    s.close();
  }
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

/** Hourly readings for `hours` hours from `start` (UTC), as CSV text. */
export function sensorCsv(start: string, hours: number, offset = 0): string {
  const t0 = Date.parse(start);
  let s = 'timestamp,temperature,site\n';
  for (let i = 0; i < hours; i++) {
    const t = new Date(t0 + i * 3600_000).toISOString().replace('T', ' ').replace('.000Z', '');
    s += `${t},${(10 + offset + i * 0.5).toFixed(1)},north\n`;
  }
  return s;
}
