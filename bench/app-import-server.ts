/**
 * The server side of bench/app-import.ts: what `pond serve` runs (the service with the pond open,
 * the HTTP server on 127.0.0.1), plus a monitor of its own event loop. Prints one JSON line
 * `{ url, token, pond }` once listening; then reads commands on stdin: `start` starts the
 * event-loop histogram, `phase <name>` starts one for that phase, `stage <path>` stages a host
 * file as Electron's main process does for a dropped file and prints its ImportSource, `stop` prints
 * `{ p99Ms, maxMs, phaseP99Ms, maxRssKb }` and exits.
 * `node app-import-server.js <pond dir> <app data dir>`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startServer } from '../pond/serve/http-server.js';
import { rendererBundleDir } from '../pond/serve/renderer-bundle.js';
import { LocalPondService } from '../pond/service/pond-service.js';

const [pondDir, appData] = process.argv.slice(2);
const token = 'bench-app-import-token';
const service = new LocalPondService({ mode: 'browser', appData: appData! });
const { handle } = await service.openPath(pondDir!);
const server = await startServer({
  service,
  staticDir: rendererBundleDir(),
  host: '127.0.0.1',
  port: 0,
  token,
});
const lag = monitorEventLoopDelay({ resolution: 10 });
/** The same per phase of the import (`phase <name>`), to tell where the loop waits. */
const phases = new Map<string, ReturnType<typeof monitorEventLoopDelay>>();
console.log(JSON.stringify({ url: server.url, token, pond: handle }));

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'start') lag.enable();
  // The desktop app's drop: Electron's preload gives the main process the file's path, which
  // the service stages in place (no upload).
  if (line.startsWith('stage ')) {
    const [source] = await service.stageHostFiles([line.slice('stage '.length)]);
    console.log(JSON.stringify(source));
  }
  if (line.startsWith('phase ')) {
    for (const h of phases.values()) h.disable();
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    phases.set(line.slice('phase '.length), h);
  }
  if (line === 'stop') {
    lag.disable();
    for (const h of phases.values()) h.disable();
    console.log(
      JSON.stringify({
        p99Ms: lag.percentile(99) / 1e6,
        maxMs: lag.max / 1e6,
        phaseP99Ms: Object.fromEntries([...phases].map(([k, h]) => [k, h.percentile(99) / 1e6])),
        maxRssKb: process.resourceUsage().maxRSS,
      }),
    );
    break;
  }
}
// The pipe would keep the process alive.
process.stdin.destroy();
await server.close();
await service.close();
