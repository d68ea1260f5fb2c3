/**
 * The compiled preload (dist/electron/preload.cjs) run as Electron runs a sandboxed preload: a
 * classic script wrapped in a function of (require, process, Buffer, global, setImmediate,
 * clearImmediate, exports, module) whose `require` knows only a few built-ins. Its `electron`
 * is a recorder of contextBridge and ipcRenderer calls, and `ipcRenderer.invoke` goes to the
 * real main-process handler over a real pond.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Script, createContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, MenuCommand, PondSummary } from '../../shared/api.js';
import { ErrorCode, isErrorInfo, toErrorInfo } from '../../shared/errors.js';
import { SERVICE_METHODS, type PondClient } from '../../shared/wire.js';
import { LocalPondService } from '../../pond/service/pond-service.js';
import { parquet, pondWithSeries, scratch } from '../../pond/service/test/fixtures.js';
import { START_URL } from '../app-protocol.js';
import {
  CALL_CHANNEL,
  JOB_CHANNEL,
  LISTENING_CHANNEL,
  MENU_CHANNEL,
  POND_CHANNEL,
  STAGE_CHANNEL,
  callHandler,
  stageHandler,
} from '../ipc-handler.js';

const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url']);

type Listener = (event: unknown, value: unknown) => void;

interface Loaded {
  exposed: Map<string, unknown>;
  required: string[];
  listeners: Map<string, Set<Listener>>;
  invoked: unknown[][];
  sent: unknown[][];
}

let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let pond: PondSummary;
let loaded: Loaded;
let client: PondClient;

async function loadPreload(): Promise<Loaded> {
  const source = await readFile(join(process.cwd(), 'dist/electron/preload.cjs'), 'utf8');
  const handler = callHandler(svc);
  const stage = stageHandler(svc);
  const out: Loaded = {
    exposed: new Map(),
    required: [],
    listeners: new Map(),
    invoked: [],
    sent: [],
  };
  const electron = {
    // Electron's: the path of a File the page got from a drop or a file input, '' for any other.
    webUtils: {
      getPathForFile(file: unknown) {
        return (file as { hostPath?: string }).hostPath ?? '';
      },
    },
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        out.exposed.set(key, api);
      },
    },
    ipcRenderer: {
      invoke(channel: string, ...args: unknown[]) {
        out.invoked.push([channel, ...args]);
        if (channel === STAGE_CHANNEL) return stage(START_URL, structuredClone(args[0]));
        if (channel !== CALL_CHANNEL) return Promise.reject(new Error(`no handler for ${channel}`));
        // Structured clone, as IPC does: nothing but plain data crosses.
        return handler(START_URL, structuredClone(args[0]), structuredClone(args[1]));
      },
      on(channel: string, l: Listener) {
        if (!out.listeners.has(channel)) out.listeners.set(channel, new Set());
        out.listeners.get(channel)!.add(l);
      },
      send(channel: string, ...args: unknown[]) {
        out.sent.push([channel, ...args]);
      },
      removeListener(channel: string, l: Listener) {
        out.listeners.get(channel)?.delete(l);
      },
    },
  };
  const sandboxRequire = (name: string): unknown => {
    out.required.push(name);
    if (!SANDBOX_MODULES.has(name)) throw new Error(`a sandboxed preload cannot require '${name}'`);
    if (name === 'electron') return electron;
    throw new Error(`not provided in this test: ${name}`);
  };
  const wrapper = new Script(
    `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {\n${source}\n})`,
    { filename: 'preload.cjs' },
  );
  const fn = wrapper.runInContext(createContext({})) as (...a: unknown[]) => void;
  const module = { exports: {} };
  fn(sandboxRequire, {}, undefined, {}, undefined, undefined, module.exports, module);
  return out;
}

function emit(channel: string, value: unknown): void {
  for (const l of out().listeners.get(channel) ?? []) l({ sender: 'secret' }, value);
}
const out = () => loaded;

beforeAll(async () => {
  s = await scratch('pond-electron-preload-');
  const v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(10) t(i)`,
  );
  await pondWithSeries(join(s.dir, 'pond'), [v1]);
  svc = new LocalPondService({ mode: 'electron', appData: s.appData });
  pond = await svc.openPath(join(s.dir, 'pond'));
  loaded = await loadPreload();
  client = loaded.exposed.get('pond') as PondClient;
});

afterAll(async () => {
  await svc?.close();
  await s.cleanup();
});

describe('the preload bridge', () => {
  it('requires only electron and exposes exactly one object: the PondClient contract', () => {
    expect(loaded.required).toEqual(['electron']);
    expect([...loaded.exposed.keys()]).toEqual(['pond']);
    expect(Object.keys(client).sort()).toEqual(
      [
        ...SERVICE_METHODS,
        'onJobEvent',
        'onMenuCommand',
        'onPondChanged',
        'stageDroppedFile',
      ].sort(),
    );
    for (const v of Object.values(client)) expect(typeof v).toBe('function');
  });

  it('calls the service through pond:call and resolves with plain values', async () => {
    expect(await client.openPonds()).toEqual([pond]);
    const page = await client.list({ pond: pond.handle, path: '/data', offset: 0, limit: 2 });
    expect(page).toMatchObject({ path: '/data', total: 3, offset: 0 });
    expect(page.entries).toHaveLength(2);
    const preview = await client.preview({
      pond: pond.handle,
      path: '/data/readings.series',
      offset: 0,
      limit: 3,
    });
    expect(preview.arrow).toBeInstanceOf(Uint8Array);
    expect(preview.rowCount).toBe(3);
    expect(loaded.invoked.at(-1)).toEqual([
      CALL_CHANNEL,
      'preview',
      { pond: pond.handle, path: '/data/readings.series', offset: 0, limit: 3 },
    ]);
  });

  it('rejects failed calls with the plain ErrorInfo (code and input intact)', async () => {
    const e = await client.list({ pond: 'nope', path: '/', offset: 0, limit: 1 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isErrorInfo(e)).toBe(true);
    expect(toErrorInfo(e)).toMatchObject({ code: ErrorCode.NotFound, input: 'nope' });
    const bad = await client.history({ pond: pond.handle, limit: -1 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(toErrorInfo(bad)).toMatchObject({ code: ErrorCode.InvalidArgument });
    const dialog = await client.openPondDialog().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(toErrorInfo(dialog).code).toBe(ErrorCode.Unsupported);
  });

  it('passes job events and menu commands to listeners, without the IPC event, until unsubscribed', () => {
    const jobs: unknown[][] = [];
    const menus: unknown[][] = [];
    const stopJobs = client.onJobEvent((...a: unknown[]) => jobs.push(a));
    expect(loaded.sent).toEqual([]);
    const stopMenu = client.onMenuCommand!((...a: unknown[]) => menus.push(a));
    // Main holds its commands until the page says it listens.
    expect(loaded.sent).toEqual([[LISTENING_CHANNEL]]);
    const job: JobInfo = {
      id: 'j1',
      kind: 'demo-pond',
      state: 'running',
      progress: { done: 1, total: 3, message: 'writing' },
    };
    const cmd: MenuCommand = { kind: 'openRecent', path: '/ponds/a' };
    emit(JOB_CHANNEL, job);
    emit(MENU_CHANNEL, cmd);
    expect(jobs).toEqual([[job]]);
    expect(menus).toEqual([[cmd]]);
    stopJobs();
    stopMenu();
    emit(JOB_CHANNEL, job);
    emit(MENU_CHANNEL, cmd);
    expect(jobs).toHaveLength(1);
    expect(menus).toHaveLength(1);
    expect(loaded.listeners.get(JOB_CHANNEL)?.size).toBe(0);
    expect(() => client.onJobEvent('not a function' as never)).toThrow(/listener/);
    const ponds: unknown[][] = [];
    const stopPonds = client.onPondChanged((...a: unknown[]) => ponds.push(a));
    emit(POND_CHANNEL, pond);
    stopPonds();
    emit(POND_CHANNEL, pond);
    expect(ponds).toEqual([[pond]]);
  });

  it('stages a dropped file by the path only the preload can read, and refuses a File made up by the page', async () => {
    const file = join(s.dir, 'north.csv');
    await writeFile(file, 'timestamp,v\n2024-01-01 00:00:00,1\n');
    const staged = await client.stageDroppedFile!({ hostPath: file } as unknown as Blob);
    expect(staged).toMatchObject({ name: 'north.csv', size: 34, format: 'csv' });
    expect(loaded.invoked.at(-1)).toEqual([STAGE_CHANNEL, file]);
    const made = await client.stageDroppedFile!(new Blob(['a,b\n1,2\n'])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toErrorInfo(made).code).toBe(ErrorCode.InvalidArgument);
    const folder = await client.stageDroppedFile!({ hostPath: s.dir } as unknown as Blob).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toErrorInfo(folder)).toMatchObject({ code: ErrorCode.WrongType, input: s.dir });
    // The page names the staged file by its id only.
    const spec = await client.importProposal({
      pond: pond.handle,
      source: staged.id,
      dest: '/data',
    });
    expect(spec).toMatchObject({ target: '/data/north.csv', kind: 'series' });
  });
});
