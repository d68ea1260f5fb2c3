/**
 * Plain DuckDB as a whole process, the baseline of the CLI benchmarks: Node, @duckdb/node-api and
 * one statement, then the peak RSS as a last line of JSON: `node duckdb-process.js <sql>`.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(process.argv[2]!);
connection.closeSync();
console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
