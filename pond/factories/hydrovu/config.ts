import { nameProblem } from '../../tinyfs/entry-name.js';
import { ConfigObject, configError, parseYaml } from '../../config/config.js';
import { parseDuration } from '../../config/duration.js';
import { key, type FactorySchema } from '../config-schema.js';
import { expandEnv } from '../env-substitution.js';

/**
 * The hydrovu config, as in the original (reference §4.2): OAuth2 client credentials, the
 * devices (HydroVu locations) to collect, where their series go, and how many points one run
 * may fetch per device. `base_url`, `retries`, `retry_delay` and `request_timeout` are ours: the
 * tests point `base_url` at a local stand-in of the API, and `simulated: true` runs against a
 * built-in simulated source (the demo pond) with no credentials.
 */
export interface HydroVuDevice {
  name: string;
  id: number;
  active: boolean;
  comment?: string;
}

export interface HydroVuConfig {
  clientId: string;
  clientSecret: string;
  maxPointsPerRun: number;
  hydrovuPath: string;
  archivePath?: string;
  devices: HydroVuDevice[];
  baseUrl: string;
  simulated: boolean;
  /** Attempts per request after the first, for 429, 5xx and network failures. */
  retries: number;
  /** The first wait before a retry (doubling after each), ms. */
  retryDelayMs: number;
  requestTimeoutMs: number;
}

/** Config keys holding secrets (shown redacted), as the original's ApiKey/ApiSecret fields. */
export const HYDROVU_SECRETS = ['client_id', 'client_secret'] as const;

export const DEFAULT_BASE_URL = 'https://www.hydrovu.com';

/** The keys `readHydroVuConfig` reads, for the app's node editor. */
export const HYDROVU_SCHEMA: FactorySchema = {
  keys: [
    key(
      'client_id',
      'secret',
      true,
      'the HydroVu API client id (shown redacted); ${env:VAR} keeps it out of the pond',
    ),
    key(
      'client_secret',
      'secret',
      true,
      'the HydroVu API client secret (shown redacted); ${env:VAR} keeps it out of the pond',
    ),
    key('max_points_per_run', 'number', true, 'the most readings one run fetches per device'),
    key(
      'hydrovu_path',
      'pond path',
      true,
      'series go to {hydrovu_path}/devices/{id}/{name}_active.series',
    ),
    key(
      'archive_path',
      'pond path',
      false,
      'where archive puts the dated series (default hydrovu_path)',
    ),
    key('devices', 'list of mappings', true, 'the HydroVu locations to collect', {
      keys: [
        key('name', 'name', true, 'names its series: {name}_active.series'),
        key('id', 'number', true, 'the HydroVu location id (pond run NODE locations lists them)'),
        key('active', 'boolean', false, 'collected when true (the default)'),
        key('comment', 'string', false, 'a note for people'),
      ],
    }),
    key('base_url', 'URL', false, `the API's address (default ${DEFAULT_BASE_URL})`),
    key(
      'simulated',
      'boolean',
      false,
      'collect from a built-in simulated source instead (no credentials)',
      {
        values: ['true', 'false'],
      },
    ),
    key(
      'retries',
      'number',
      false,
      'attempts per request after the first, for 429, 5xx and network failures (default 5)',
    ),
    key(
      'retry_delay',
      'duration',
      false,
      'the first wait before a retry, doubling after each (default 1s)',
    ),
    key('request_timeout', 'duration', false, 'how long one request may take (default 60s)'),
  ],
  // The credentials as the recommended references: read where the node runs, never stored.
  example: `client_id: \${env:HYDROVU_CLIENT_ID}
client_secret: \${env:HYDROVU_CLIENT_SECRET}
max_points_per_run: 100000
hydrovu_path: /hydrovu
archive_path: /hydrovu/archive
devices:
  - name: station1
    id: 123456
    active: true
    comment: the north inlet
base_url: ${DEFAULT_BASE_URL}
simulated: false
retries: 5
retry_delay: 1s
request_timeout: 60s
`,
};

export function readHydroVuConfig(text: string, where: string): HydroVuConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const simulated = c.boolean('simulated', true) ?? false;
  // The simulated source needs no credentials; HydroVu does.
  const clientId = simulated ? (c.string('client_id', true) ?? '') : c.string('client_id');
  const clientSecret = simulated
    ? (c.string('client_secret', true) ?? '')
    : c.string('client_secret');
  const maxPointsPerRun = c.number('max_points_per_run');
  if (!Number.isSafeInteger(maxPointsPerRun) || maxPointsPerRun <= 0)
    throw configError(
      where,
      'max_points_per_run',
      `must be a whole number above 0, not ${maxPointsPerRun}`,
    );
  const hydrovuPath = absolutePath(c.string('hydrovu_path'), where, 'hydrovu_path');
  const archive = c.string('archive_path', true);
  const archivePath =
    archive === undefined ? undefined : absolutePath(archive, where, 'archive_path');
  const devices = c.list('devices', (d) => {
    const name = d.string('name');
    // The name becomes file names: {name}_active.series, {name}_archive_YYYYMMDD.series.
    const problem = nameProblem(`${name}_archive_00000000.series`);
    if (problem !== undefined)
      throw configError(where, `${d.prefix}.name`, `'${name}' cannot name its series: ${problem}`);
    const id = d.number('id');
    if (!Number.isSafeInteger(id) || id <= 0)
      throw configError(
        where,
        `${d.prefix}.id`,
        `must be a HydroVu location id (a whole number above 0), not ${id}`,
      );
    const device: HydroVuDevice = { name, id, active: d.boolean('active', true) ?? true };
    const comment = d.string('comment', true);
    if (comment !== undefined) device.comment = comment;
    return device;
  });
  if (devices.length === 0) throw configError(where, 'devices', 'needs at least one device');
  const seen = new Map<number, string>();
  for (const d of devices) {
    const other = seen.get(d.id);
    if (other !== undefined)
      throw configError(
        where,
        'devices',
        `devices '${other}' and '${d.name}' both have id ${d.id}`,
      );
    seen.set(d.id, d.name);
  }
  const baseUrl = (c.string('base_url', true) ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(baseUrl))
    throw configError(where, 'base_url', `'${baseUrl}' is not an http(s) URL`);
  const retries = c.number('retries', true) ?? 5;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > 20)
    throw configError(where, 'retries', `must be a whole number from 0 to 20, not ${retries}`);
  const retryDelayMs = parseDuration(c.string('retry_delay', true) ?? '1s', where, 'retry_delay');
  const requestTimeoutMs = parseDuration(
    c.string('request_timeout', true) ?? '60s',
    where,
    'request_timeout',
  );
  if (requestTimeoutMs <= 0) throw configError(where, 'request_timeout', 'must be above 0');
  c.done();
  const cfg: HydroVuConfig = {
    clientId,
    clientSecret,
    maxPointsPerRun,
    hydrovuPath,
    devices,
    baseUrl,
    simulated,
    retries,
    retryDelayMs,
    requestTimeoutMs,
  };
  if (archivePath !== undefined) cfg.archivePath = archivePath;
  return cfg;
}

function absolutePath(p: string, where: string, key: string): string {
  if (!p.startsWith('/')) throw configError(where, key, `'${p}' must be an absolute pond path`);
  return p.replace(/\/+$/, '') || '/';
}

/** Where a device's live series goes: `{hydrovu_path}/devices/{id}/{name}_active.series`. */
export function activeSeriesPath(cfg: HydroVuConfig, d: HydroVuDevice): string {
  return `${deviceDir(cfg.hydrovuPath, d)}/${d.name}_active.series`;
}

export function deviceDir(base: string, d: HydroVuDevice): string {
  return `${base === '/' ? '' : base}/devices/${d.id}`;
}
