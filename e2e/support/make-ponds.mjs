// Builds the e2e tests' big pond with the compiled engine (dist/): a 100,000-entry directory
// of small files (one transaction, through the engine: `pond mkdir` 100,000 times would take minutes) and a
// 5,000,000-row series (a DuckDB-written Parquet file copied in with `pond copy`).
// Also makes the demo pond once in <folder>/demo-app-data (each test server copies it).
// Usage: node e2e/support/make-ponds.mjs <folder>
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureDemoPond } from '../../dist/pond/service/demo-pond.js';
import { createPond } from '../../dist/pond/service/open-pond.js';

const [folder] = process.argv.slice(2);
if (!folder) throw new Error('usage: make-ponds.mjs <folder>');
const pondDir = resolve(folder, 'big-pond');
const parquet = resolve(folder, 'five-million.parquet');
const ENTRIES = 100_000;

const pond = await createPond(pondDir, 'e2e-big', { command: ['e2e', 'init'] });
try {
  await pond.session.run(`
    COPY (
      SELECT TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(i) AS timestamp,
             i::BIGINT AS idx,
             (i % 1000)::DOUBLE / 10 AS value
      FROM range(5000000) AS t(i)
    ) TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`);
  await pond.write({ command: ['e2e', 'mkdir', 'many'] }, async (txn) => {
    const wd = await txn.wd();
    await wd.mkdir('/many');
    await wd.mkdir('/big');
    // Small files, not directories: every directory is its own oplog partition.
    for (let i = 0; i < ENTRIES; i++) {
      const name = `f${String(i).padStart(6, '0')}.txt`;
      await wd.writeFile(`/many/${name}`, 'data', { bytes: Buffer.from(name) });
    }
  });
} finally {
  await pond.close();
}
const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'pond.js');
execFileSync(
  process.execPath,
  [bin, '--pond', pondDir, 'copy', `host+series://${parquet}`, '/big/readings.series'],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
await ensureDemoPond(join(folder, 'demo-app-data'));
