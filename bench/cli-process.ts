/**
 * The `pond` command exactly as bin/pond.js runs it (the CLI's bundle, dist/bundle/cli), then its
 * peak RSS and CPU time as a last line of JSON: `node cli-process.js <pond arguments>`, timed as a
 * whole process by bench/measure.ts.
 */
import { processUsage } from './process-usage.js';

// This file runs from dist/bench; the bundle is built by `npm run build` (scripts/bundle-cli.mjs).
const bundle = new URL('../bundle/cli/main.js', import.meta.url).href;
const { main } = (await import(bundle)) as typeof import('../pond/cli/main.js');
const code = await main(process.argv.slice(2));
console.log(processUsage());
process.exitCode = code;
