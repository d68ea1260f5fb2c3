/**
 * Plain DuckDB reading HydroVu pages (JSON as the API sent them, one page a line in one file per
 * device, as hydrovu-download-process.ts saved them) into one wide Parquet file per device, the
 * baseline of bench/hydrovu-collect: `node hydrovu-duckdb-process.js <pages dir> <out dir>
 * <threads|default> <columns json> <device ids...>`; then the peak RSS and CPU time as a last
 * line of JSON. The SQL is what a DuckDB user would write: read_json with the page's shape,
 * unnest the parameters and readings, one column per parameter and unit, ordered by time.
 * @duckdb/node-api is loaded as pond loads it (pond/duckdb/node-api.ts).
 */
import { duckdbNodeApi } from '../pond/duckdb/node-api.js';
import { processUsage } from './process-usage.js';

const [pages, out, threads, columnsJson, ...devices] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  ...string[],
];
const { DuckDBInstance } = duckdbNodeApi();
const columns = JSON.parse(columnsJson) as { pid: string; uid: string; name: string }[];
const instance = await DuckDBInstance.create(
  ':memory:',
  threads === 'default' ? {} : { threads: threads },
);
const c = await instance.connect();
await c.run("SET TimeZone = 'UTC'");
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
for (const d of devices) {
  const select = columns
    .map(
      (k) => `max(r.value) FILTER (WHERE pid = ${q(k.pid)} AND uid = ${q(k.uid)}) AS "${k.name}"`,
    )
    .join(', ');
  await c.run(`COPY (
    SELECT to_timestamp(r.timestamp) AS "timestamp", ${select}
    FROM (SELECT p.parameterId AS pid, p.unitId AS uid, unnest(p.readings) AS r
          FROM (SELECT unnest(parameters) AS p FROM read_json(${q(`${pages}/${d}.ndjson`)}, format='newline_delimited',
                columns={locationId: 'BIGINT', parameters: 'STRUCT(customParameter BOOLEAN, parameterId VARCHAR, unitId VARCHAR, readings STRUCT("timestamp" BIGINT, value DOUBLE)[])[]'})))
    GROUP BY r.timestamp ORDER BY r.timestamp) TO ${q(`${out}/${d}.parquet`)} (FORMAT parquet)`);
}
c.closeSync();
console.log(processUsage());
