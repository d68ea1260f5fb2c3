import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseRemoteUrl } from './remote-url.js';

/**
 * A pond's remotes: one JSON file per remote in `<pond>/remotes/<name>.json`, beside the Delta
 * table and outside it. A remote is how this copy of the pond relates to another (a backup it
 * pushes to, the source a replica pulls from), so it is not part of the pond's history: a commit
 * would make a replica diverge from its source. Credentials are never here; S3 gets them from the
 * AWS SDK's default chain.
 */
export interface RemoteConfig {
  name: string;
  url: string;
  /** An S3-compatible endpoint (MinIO, R2...), e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  region?: string;
  /** Push after every commit of this pond. */
  auto: boolean;
}

export const REMOTES_DIR = 'remotes';

const KEYS = new Set(['name', 'url', 'endpoint', 'region', 'auto']);

/** What is wrong with a parsed remote file, or undefined. */
function problemOf(json: unknown, name: string): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not an object';
  const o = json as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length) return `unknown keys ${unknown.join(', ')}`;
  if (o['name'] !== name) return `its name is '${String(o['name'])}', not '${name}'`;
  if (typeof o['url'] !== 'string') return 'url must be a string';
  if (typeof o['auto'] !== 'boolean') return 'auto must be true or false';
  for (const k of ['endpoint', 'region'])
    if (o[k] !== undefined && typeof o[k] !== 'string') return `${k} must be a string`;
  return undefined;
}

export function remotesDir(pondRoot: string): string {
  return join(pondRoot, REMOTES_DIR);
}

/** Names are one path segment that is safe in a file name on every system. */
export function checkRemoteName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || name.endsWith('.state')) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `bad remote name '${name}': use letters, digits, '.', '_' and '-' (at most 64, not starting with '.', '_' or '-', not ending in .state)`,
      { input: name },
    );
  }
}

/** Checks an endpoint URL (http or https, no path); the URL is checked by parseRemoteUrl. */
export function checkEndpoint(endpoint: string): void {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new PondError(ErrorCode.InvalidArgument, `bad --endpoint '${endpoint}': not a URL`, {
      input: endpoint,
    });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `bad --endpoint '${endpoint}': use http:// or https://`,
      { input: endpoint },
    );
  }
  if (u.username || u.password) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `--endpoint must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile) instead`,
      { input: u.host },
    );
  }
}

export async function listRemotes(pondRoot: string): Promise<RemoteConfig[]> {
  const names = await readdir(remotesDir(pondRoot)).catch(() => [] as string[]);
  const out: RemoteConfig[] = [];
  for (const f of names.sort()) {
    if (!f.endsWith('.json') || f.endsWith('.state.json') || f.startsWith('.')) continue;
    out.push(await readRemote(pondRoot, f.slice(0, -'.json'.length)));
  }
  return out;
}

export async function getRemote(pondRoot: string, name: string): Promise<RemoteConfig> {
  checkRemoteName(name);
  const all = await listRemotes(pondRoot);
  const found = all.find((r) => r.name === name);
  if (!found) {
    throw new PondError(
      ErrorCode.NotFound,
      `this pond has no remote '${name}' (${all.length ? `it has ${all.map((r) => r.name).join(', ')}` : 'it has none: pond backup add NAME URL'})`,
      { input: name },
    );
  }
  return found;
}

/** Adds a remote; refuses a name in use. The file appears whole (temp file + link). */
export async function addRemote(pondRoot: string, config: RemoteConfig): Promise<void> {
  checkRemoteName(config.name);
  parseRemoteUrl(config.url);
  if (config.endpoint !== undefined) checkEndpoint(config.endpoint);
  const dir = remotesDir(pondRoot);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${randomUUID()}`);
  await writeFile(tmp, JSON.stringify(config, null, 2) + '\n');
  try {
    await link(tmp, join(dir, `${config.name}.json`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PondError(
        ErrorCode.AlreadyExists,
        `this pond already has a remote '${config.name}' (pond backup remove ${config.name} first)`,
        { input: config.name },
      );
    }
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Removes a remote's configuration and state (never anything on the remote itself). */
export async function removeRemote(pondRoot: string, name: string): Promise<void> {
  await getRemote(pondRoot, name);
  await rm(join(remotesDir(pondRoot), `${name}.json`));
  await rm(join(remotesDir(pondRoot), `${name}.state.json`), { force: true });
}

/** Writes a small JSON file of the remotes folder whole (temp file + rename). */
export async function writeRemoteFile(
  pondRoot: string,
  file: string,
  value: unknown,
): Promise<void> {
  const dir = remotesDir(pondRoot);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${randomUUID()}`);
  try {
    await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
    await rename(tmp, join(dir, file));
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readRemote(pondRoot: string, name: string): Promise<RemoteConfig> {
  const file = join(remotesDir(pondRoot), `${name}.json`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new PondError(ErrorCode.BadConfig, `${file} is not valid JSON`, {
      input: file,
      cause: e,
    });
  }
  const problem = problemOf(json, name);
  if (problem) {
    throw new PondError(ErrorCode.BadConfig, `${file} is not a remote configuration: ${problem}`, {
      input: file,
    });
  }
  const o = json as RemoteConfig;
  parseRemoteUrl(o.url);
  const c: RemoteConfig = { name: o.name, url: o.url, auto: o.auto };
  if (o.endpoint !== undefined) c.endpoint = o.endpoint;
  if (o.region !== undefined) c.region = o.region;
  return c;
}
