/**
 * The preload bridge: exposes exactly one object, `window.pond`, implementing the PondClient
 * contract (shared/wire.ts) over IPC, and nothing else.
 *
 * The window is sandboxed, so this runs as a classic CommonJS script whose `require` knows only
 * a few built-ins ('electron' among them): no ESM, no relative imports, no node_modules. Hence
 * this file is `.cts` (emitted as dist/electron/preload.cjs), imports only types from shared/
 * (erased at compile time), and lists the contract's methods itself; a test checks the list
 * against shared/wire.ts SERVICE_METHODS.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { JobInfo, MenuCommand, PondServiceMethod, PondSummary } from '../shared/api.js';
import type { PondClient } from '../shared/wire.js';

// Kept in step with electron/ipc-handler.ts (a test checks them).
const CALL_CHANNEL = 'pond:call';
const JOB_CHANNEL = 'pond:job';
const MENU_CHANNEL = 'pond:menu';
const LISTENING_CHANNEL = 'pond:listening';
const POND_CHANNEL = 'pond:pond';
const STAGE_CHANNEL = 'pond:stage-file';

/** Every method of the contract: `satisfies` fails to compile when one is missing or extra. */
const METHODS = {
  appInfo: true,
  openPonds: true,
  firstScreen: true,
  recentPonds: true,
  openRecent: true,
  openPondDialog: true,
  createPondDialog: true,
  openDemoPond: true,
  closePond: true,
  list: true,
  details: true,
  preview: true,
  chart: true,
  history: true,
  cancelQuery: true,
  jobs: true,
  cancelJob: true,
  backups: true,
  pushBackup: true,
  collectors: true,
  runCollector: true,
  exportMatches: true,
  exportPlan: true,
  exportRun: true,
  exportProfiles: true,
  saveExportProfile: true,
  exportResult: true,
  chooseExportFolder: true,
  chooseTemplateFile: true,
  showExportFolder: true,
  forgetRecent: true,
  readData: true,
  profile: true,
  makeFolder: true,
  renamePath: true,
  movePaths: true,
  removePaths: true,
  restorePath: true,
  revertTxn: true,
  revertPlan: true,
  readersOf: true,
  factories: true,
  checkNode: true,
  saveNode: true,
  downsampledViews: true,
  importProposal: true,
  importPreview: true,
  importRun: true,
  releaseImportSources: true,
  chooseImportFiles: true,
} as const satisfies Record<PondServiceMethod, true>;

type Answer = { ok: true; value: unknown } | { ok: false; error: unknown };

function call(method: PondServiceMethod) {
  return async (arg?: unknown): Promise<unknown> => answered(CALL_CHANNEL, method, arg);
}

async function answered(channel: string, ...args: unknown[]): Promise<unknown> {
  const answer = (await ipcRenderer.invoke(channel, ...args)) as Answer;
  if (answer.ok) return answer.value;
  // A plain ErrorInfo: contextBridge keeps a plain object's fields (an Error's only its message).
  throw answer.error;
}

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  // The IPC event (with its sender) never reaches the page: only the payload does.
  const wrapped = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const client: Record<string, unknown> = {};
for (const method of Object.keys(METHODS) as PondServiceMethod[]) client[method] = call(method);
client['onJobEvent'] = (listener: (job: JobInfo) => void) => subscribe(JOB_CHANNEL, listener);
client['onPondChanged'] = (listener: (pond: PondSummary) => void) =>
  subscribe(POND_CHANNEL, listener);
// Only a File the page got from a drop or a file input has a path: the page cannot make one up.
client['stageDroppedFile'] = async (file: File) => {
  const path = webUtils.getPathForFile(file);
  if (!path) {
    throw {
      code: 'INVALID_ARGUMENT',
      message: 'only files dropped from the computer can be imported this way',
    };
  }
  return answered(STAGE_CHANNEL, path);
};
client['onMenuCommand'] = (listener: (command: MenuCommand) => void) => {
  const stop = subscribe(MENU_CHANNEL, listener);
  // Main holds its commands until the page listens (electron/window-commands.ts).
  ipcRenderer.send(LISTENING_CHANNEL);
  return stop;
};

// Compile-time check that the object is a whole PondClient.
const _typed: PondClient = client as unknown as PondClient;
void _typed;

contextBridge.exposeInMainWorld('pond', client);
