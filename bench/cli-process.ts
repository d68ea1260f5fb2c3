/**
 * The `pond` command exactly as bin/pond.js runs it, then its peak RSS as a last line of JSON:
 * `node cli-process.js <pond arguments>`, timed as a whole process by bench/measure.ts.
 */
import { main } from '../pond/cli/main.js';

const code = await main(process.argv.slice(2));
console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
process.exitCode = code;
