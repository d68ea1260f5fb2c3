/**
 * Plain DuckDB as a whole process, the baseline of the CLI benchmarks: Node, @duckdb/node-api and
 * one statement, then its peak RSS and CPU time as a last line of JSON (process-usage.ts):
 * `node duckdb-process.js <sql>`.
 * It loads @duckdb/node-api the way pond does (pond/duckdb/node-api.ts: `require`, about half
 * the time of an ESM import), so the ratios compare the work, not two ways of loading a module.
 */
import { duckdbNodeApi } from '../pond/duckdb/node-api.js';
import { processUsage } from './process-usage.js';

const { DuckDBInstance } = duckdbNodeApi();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(process.argv[2]!);
connection.closeSync();
console.log(processUsage());
