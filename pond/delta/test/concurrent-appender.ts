/**
 * A writer process for concurrency.test.ts: `node --import tsx concurrent-appender.ts <root> <worker> <count> <go-file>`.
 * Opens the table, prepares its first append, waits for <go-file> so that every worker commits
 * its first append against the same (stale) version, then appends <count> times in all. It writes
 * <go-file>.ready-<worker> once its first append is staged.
 * Prints one JSON line: { worker, versions, lostRaces }.
 */
import fs from 'node:fs';
import { DuckSession } from '../../duckdb/session.js';
import { DeltaTable } from '../table.js';

const [root, workerArg, countArg, goFile] = process.argv.slice(2);
const worker = Number(workerArg);
const count = Number(countArg);
const session = await DuckSession.open({ threads: 1 });
const table = await DeltaTable.open(root!, session);
const versions: number[] = [];
let lostRaces = 0;
for (let seq = 0; seq < count; seq++) {
  const readVersion = table.snapshot.version;
  const adds = await table.writeFiles(
    `SELECT ${worker} AS worker, ${seq} AS seq, 'w${worker}' AS part`,
  );
  if (seq === 0) {
    fs.writeFileSync(`${goFile}.ready-${worker}`, '');
    while (!fs.existsSync(goFile!)) await new Promise((r) => setTimeout(r, 5));
  }
  const v = await table.commit({
    actions: adds.map((add) => ({ add })),
    readVersion,
    blindAppend: true,
    commitInfo: { worker, seq },
  });
  if (v !== readVersion + 1) lostRaces++;
  versions.push(v);
}
session.close();
console.log(JSON.stringify({ worker, versions, lostRaces }));
