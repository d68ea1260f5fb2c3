/**
 * Benchmark runner: `node dist/bench/run.js [name...]` runs the named benchmarks (a name also
 * selects every benchmark it is a prefix of), or all of them. Results are printed, never asserted:
 * the machine is noisy, so each benchmark reports medians of several runs.
 */
import * as appBrowser from './app-browser.js';
import * as appExport from './app-export.js';
import * as appImport from './app-import.js';
import * as appService from './app-service.js';
import * as cliStart from './cli-start.js';
import * as deltaOpen from './delta-open.js';
import * as derived from './derived.js';
import * as hydrovuCollect from './hydrovu-collect.js';
import * as pondExport from './pond-export.js';
import * as pondImport from './pond-import.js';
import * as pondList from './pond-list.js';
import * as pondOpen from './pond-open.js';
import * as remotePush from './remote-push.js';

interface Benchmark {
  name: string;
  run(): Promise<void>;
}

const BENCHMARKS: Benchmark[] = [
  { name: 'delta-open', run: deltaOpen.run },
  { name: 'pond-open', run: pondOpen.run },
  { name: 'pond-list', run: pondList.run },
  { name: 'cli-start', run: cliStart.run },
  { name: 'pond-import', run: pondImport.run },
  { name: 'pond-export', run: pondExport.run },
  { name: 'app-export', run: appExport.run },
  { name: 'app-import', run: appImport.run },
  { name: 'derived', run: derived.run },
  { name: 'hydrovu-collect', run: hydrovuCollect.run },
  { name: 'app-service', run: appService.run },
  { name: 'app-browser', run: appBrowser.run },
  { name: 'remote-push', run: remotePush.run },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected =
    wanted.length === 0
      ? BENCHMARKS
      : BENCHMARKS.filter((b) => wanted.some((w) => b.name.startsWith(w)));
  const unknown = wanted.filter((w) => !BENCHMARKS.some((b) => b.name.startsWith(w)));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark: ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`,
    );
    process.exit(2);
  }
  for (const b of selected) {
    console.log(`== ${b.name}`);
    const start = performance.now();
    await b.run();
    console.log(`== ${b.name} done in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
}

await main();
