/**
 * The `pond` command exactly as bin/pond.js runs it, then its peak RSS and CPU time as a last line of JSON:
 * `node cli-process.js <pond arguments>`, timed as a whole process by bench/measure.ts.
 */
import { main } from '../pond/cli/main.js';
import { processUsage } from './process-usage.js';

const code = await main(process.argv.slice(2));
console.log(processUsage());
process.exitCode = code;
