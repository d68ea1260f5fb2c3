import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { JobProgress } from '../../shared/api.js';
import { literal } from '../duckdb/sql.js';
import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { BlobStore } from '../tlogfs/blob-store.js';
import type { WD } from '../tinyfs/wd.js';
import type { Pond } from '../tlogfs/pond.js';
import { createPond, openPond } from './open-pond.js';

export const DEMO_SITES = ['north', 'south'] as const;
/** The demo's week of 1-minute readings. */
export const DEMO_START = '2024-07-01T00:00:00Z';
const MINUTES = 7 * 1440;
/** The first import holds days 1-4; a second import per site appends days 5-7. */
const FIRST_IMPORT_MINUTES = 4 * 1440;
const REDUCE_FACTORY = 'temporal-reduce';
export const DEMO_REDUCED = '/reduced';

export const REDUCE_CONFIG = `# Hourly and daily summaries of every site's readings.
in_pattern: "series:///sites/*/water.series"
out_pattern: "$0"
time_column: "timestamp"
resolutions: ["1h", "1d"]
aggregations:
  - type: avg
  - type: min
  - type: max
`;

const COLLECTOR_FACTORY = 'hydrovu';
/** A HydroVu collector against the built-in simulated source: Run adds the readings since. */
export const DEMO_COLLECTOR = '/system/etc/20-hydrovu';
export const COLLECTOR_CONFIG = `# A HydroVu collector. This one reads a built-in simulated source (no account needed):
# two instruments reading once a minute since two days before the first run. Press Run now in
# the Collectors view, or: pond run ${DEMO_COLLECTOR}
simulated: true
max_points_per_run: 20000
hydrovu_path: /hydrovu
devices:
  - { name: pier, id: 1001 }
  - { name: intake, id: 1002 }
`;

const README = `# The demo pond

Synthetic water-quality readings from two sites, one row a minute for the week of
${DEMO_START.slice(0, 10)} (UTC):

- /sites/<site>/water.series: temperature (°C), conductivity (µS/cm), dissolved_oxygen (mg/L), ph
  (two versions: days 1-4, then days 5-7)
- ${DEMO_REDUCED}/<site>/res=1h.series and res=1d.series: hourly and daily avg/min/max
  (made by the temporal-reduce factory when it is present)
- ${DEMO_COLLECTOR}: a HydroVu collector reading a simulated source; run it (the Collectors
  view, or pond run) and /hydrovu/devices/<id>/<name>_active.series gain the new readings

Try SQL over \`source\`, for instance:
  SELECT date_trunc('day', timestamp) AS day, avg(temperature) FROM source GROUP BY ALL ORDER BY 1
`;

export function demoPondPath(appData: string): string {
  return join(appData, 'demo-pond');
}

export interface DemoOptions {
  registry?: FactoryRegistry;
  progress?: (p: JobProgress) => void;
}

/**
 * Makes the demo pond in the app's data folder unless it exists, and adds its downsampled views
 * once the temporal-reduce factory is there. A new demo is built in a temp folder beside its
 * place and renamed into place when complete, so a failed or cancelled build leaves nothing; the
 * folder of a build whose process died (killed, or quit before the build ended) is removed by
 * the next one.
 */
export async function ensureDemoPond(
  appData: string,
  options: DemoOptions = {},
): Promise<{ path: string; created: boolean }> {
  const path = demoPondPath(appData);
  const registry = options.registry ?? defaultRegistry();
  const progress = options.progress ?? (() => undefined);
  await removeAbandonedBuilds(path);
  if (existsSync(path)) {
    const pond = await openPond(path, { registry });
    try {
      await addReducedViews(pond, registry, progress);
      await addCollector(pond, registry, progress);
    } finally {
      await pond.close();
    }
    return { path, created: false };
  }
  const building = `${path}${BUILDING}${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    const pond = await createPond(
      building,
      'demo',
      { command: ['app', 'demo', 'init'] },
      { registry },
    );
    try {
      await fillDemoPond(pond, registry, progress);
    } finally {
      await pond.close();
    }
    if (existsSync(path)) {
      // Another process made the demo meanwhile: keep theirs.
      await rm(building, { recursive: true, force: true });
      return { path, created: false };
    }
    try {
      await rename(building, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // Another process (a second pond serve on the same data folder) renamed theirs first.
      await rm(building, { recursive: true, force: true });
      return { path, created: false };
    }
    return { path, created: true };
  } catch (e) {
    await rm(building, { recursive: true, force: true });
    throw e;
  }
}

/** `<demo>.building-<pid>-<random>`: the demo being built by process <pid>. */
const BUILDING = '.building-';

/**
 * Removes the demo builds of processes that no longer run. A build of a running process (the app
 * or `pond serve --demo` beside this one) is left alone, and so is a folder whose name does not
 * say its process.
 */
async function removeAbandonedBuilds(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}${BUILDING}`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix)
      ? /^(\d+)-/.exec(name.slice(prefix.length))?.[1]
      : undefined;
    if (pid === undefined || processRuns(Number(pid))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's process.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fillDemoPond(
  pond: Pond,
  registry: FactoryRegistry,
  progress: (p: JobProgress) => void,
): Promise<void> {
  const steps = DEMO_SITES.length + 2;
  progress({ done: 0, total: steps, message: 'writing days 1-4 of every site' });
  await pond.write({ command: ['app', 'demo', 'import', 'days 1-4'] }, async (txn) => {
    const wd = await txn.wd();
    await wd.writeFile('/README.md', 'data', { bytes: Buffer.from(README) });
    for (const [s, site] of DEMO_SITES.entries()) {
      await wd.mkdir(`/sites/${site}`, { parents: true });
      await writeReadings(pond, `/sites/${site}/water.series`, s, 0, FIRST_IMPORT_MINUTES, wd);
    }
  });
  for (const [s, site] of DEMO_SITES.entries()) {
    progress({ done: s + 1, total: steps, message: `appending days 5-7 of ${site}` });
    await pond.write({ command: ['app', 'demo', 'import', site, 'days 5-7'] }, async (txn) =>
      writeReadings(
        pond,
        `/sites/${site}/water.series`,
        s,
        FIRST_IMPORT_MINUTES,
        MINUTES,
        await txn.wd(),
      ),
    );
  }
  progress({ done: steps - 1, total: steps, message: 'adding the downsampled views' });
  await addReducedViews(pond, registry, progress);
  await addCollector(pond, registry, progress);
  progress({ done: steps, total: steps, message: 'the demo pond is ready' });
}

/** Adds `/reduced` (temporal-reduce, 1h and 1d) when the factory exists and the node does not. */
async function addReducedViews(
  pond: Pond,
  registry: FactoryRegistry,
  progress: (p: JobProgress) => void,
): Promise<void> {
  if (!registry.list().some((f) => f.name === REDUCE_FACTORY)) return;
  const exists = await pond.read(
    async (txn) => (await (await txn.wd()).lookup(DEMO_REDUCED)).found,
  );
  if (exists) return;
  progress({ done: 0, message: 'adding the downsampled views' });
  registry.get(REDUCE_FACTORY).validate(REDUCE_CONFIG, DEMO_REDUCED);
  await pond.write(
    { command: ['app', 'demo', 'mknod', REDUCE_FACTORY, DEMO_REDUCED] },
    async (txn) => {
      await (
        await txn.wd()
      ).create(DEMO_REDUCED, {
        kind: 'dynamic',
        type: 'directory',
        factory: REDUCE_FACTORY,
        config: REDUCE_CONFIG,
      });
    },
  );
}

/** Adds the simulated HydroVu collector when the factory exists and the node does not. */
async function addCollector(
  pond: Pond,
  registry: FactoryRegistry,
  progress: (p: JobProgress) => void,
): Promise<void> {
  if (!registry.list().some((f) => f.name === COLLECTOR_FACTORY)) return;
  const exists = await pond.read(
    async (txn) => (await (await txn.wd()).lookup(DEMO_COLLECTOR).catch(() => undefined))?.found,
  );
  if (exists) return;
  progress({ done: 0, message: 'adding the collector' });
  const factory = registry.get(COLLECTOR_FACTORY);
  factory.validate(COLLECTOR_CONFIG, DEMO_COLLECTOR);
  await pond.write(
    { command: ['app', 'demo', 'mknod', COLLECTOR_FACTORY, DEMO_COLLECTOR] },
    async (txn) => {
      const wd = await txn.wd();
      await wd.mkdir('/system/etc', { parents: true });
      await wd.create(DEMO_COLLECTOR, {
        kind: 'dynamic',
        type: factory.entryType,
        factory: COLLECTOR_FACTORY,
        config: COLLECTOR_CONFIG,
      });
    },
  );
}

/**
 * Writes minutes [from, to) of one site as a new version of its series. The signals are smooth
 * daily cycles plus a deterministic pseudo-random jitter, so every demo pond is the same.
 */
async function writeReadings(
  pond: Pond,
  path: string,
  site: number,
  from: number,
  to: number,
  wd: WD,
): Promise<void> {
  const file = await new BlobStore(pond.layout.blobs).tempPath('.parquet');
  const day = 'i / 1440.0';
  const jitter = (salt: number) =>
    `(abs(sin(i * 12.9898 + ${site * 78.233 + salt}) * 43758.5453) % 1.0 - 0.5)`;
  const temperature = `${14 + 3 * site} + 3 * sin(2 * pi() * (${day} - 0.375)) + 0.15 * ${day} + 0.3 * ${jitter(1)}`;
  try {
    await pond.session.run(`
      COPY (
        SELECT ${literal(DEMO_START)}::TIMESTAMPTZ + to_minutes(i) AS timestamp,
               round(${temperature}, 3) AS temperature,
               round(${450 + 170 * site} + 30 * sin(2 * pi() * i / (1440 * 3.5)) + 8 * ${jitter(2)}, 1) AS conductivity,
               round(10.5 - 0.25 * (${temperature} - 14) + 0.8 * sin(2 * pi() * (${day} - 0.5)) + 0.2 * ${jitter(3)}, 3) AS dissolved_oxygen,
               round(7.6 + 0.1 * ${site} + 0.25 * sin(2 * pi() * (${day} - 0.55)) + 0.05 * ${jitter(4)}, 3) AS ph
        FROM range(${from}, ${to}) AS t(i)
        ORDER BY i
      ) TO ${literal(file)} (FORMAT parquet)`);
    const t0 = Date.parse(DEMO_START) * 1000;
    await wd.writeFile(path, 'series', {
      hostPath: file,
      timestampColumn: 'timestamp',
      minEventTimeUs: t0 + from * 60e6,
      maxEventTimeUs: t0 + (to - 1) * 60e6,
    });
  } finally {
    await rm(file, { force: true });
  }
}
