import type { Factory } from '../registry.js';
import { executableNode, type ExecutableCommand } from '../executable.js';
import { HydroVuClient, type Fetch } from './client.js';
import { archive } from './archive.js';
import { collect } from './collect.js';
import {
  HYDROVU_SCHEMA,
  HYDROVU_SECRETS,
  readHydroVuConfig,
  type HydroVuConfig,
} from './config.js';
import { simulatedHydroVu } from './simulated-api.js';

/**
 * hydrovu: collects In-Situ HydroVu instruments' readings into one wide series per device
 * (reference §4.2). `pond run NODE collect` (the default) fetches what is new; `archive`
 * compacts the active series into dated archives; `locations` lists the locations the
 * credentials can read.
 */
function fetcherFor(cfg: HydroVuConfig): Fetch {
  return cfg.simulated
    ? simulatedHydroVu(cfg.devices.map((d) => ({ id: d.id, name: d.name })))
    : (url, init) => fetch(url, init);
}

const collectCommand: ExecutableCommand<HydroVuConfig> = {
  name: 'collect',
  summary:
    "fetch every active device's new readings into {hydrovu_path}/devices/{id}/{name}_active.series",
  usage: '',
  writes: true,
  run: (ctx) => collect(ctx, fetcherFor(ctx.config)),
};

const locationsCommand: ExecutableCommand<HydroVuConfig> = {
  name: 'locations',
  summary: 'list the HydroVu locations the credentials can read (the ids devices name)',
  usage: '',
  writes: false,
  run: async ({ config, job }) => {
    const locations = await new HydroVuClient(config, fetcherFor(config), job).locations();
    const configured = new Map(config.devices.map((d) => [d.id, d]));
    const lines = locations
      .sort((a, b) => a.id - b.id)
      .map((l) => {
        const d = configured.get(l.id);
        const mark = d ? `  [device ${d.name}${d.active ? '' : ', inactive'}]` : '';
        return `${String(l.id).padStart(12)}  ${l.name}${l.description ? ` (${l.description})` : ''}${mark}\n`;
      });
    return {
      summary: `${locations.length} locations`,
      added: [],
      failures: [],
      output: lines.join(''),
    };
  },
};

const archiveCommand: ExecutableCommand<HydroVuConfig> = {
  name: 'archive',
  summary:
    "compact each device's active series into {name}_archive_{YYYYMMDD}.series and start a new one",
  usage: '[DEVICE]',
  writes: true,
  run: archive,
};

export const hydrovu: Factory = {
  name: 'hydrovu',
  description: 'collects HydroVu readings into a wide series per device',
  entryType: 'data',
  validate: (config, where) => readHydroVuConfig(config, where),
  schema: HYDROVU_SCHEMA,
  make: async (spec) => executableNode(spec, HYDROVU_SECRETS),
  secretKeys: HYDROVU_SECRETS,
  executable: {
    commands: [collectCommand, archiveCommand, locationsCommand] as ExecutableCommand<unknown>[],
    readConfig: readHydroVuConfig,
  },
};
