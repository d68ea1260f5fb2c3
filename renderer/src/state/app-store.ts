import { create } from 'zustand';
import type { AppInfo, JobInfo, PondSummary, TreeEntry } from '../../../shared/api';
import type { PondClient } from '../../../shared/wire';
import type { Boot } from '../client/boot';

export type Theme = 'system' | 'light' | 'dark';
export type Panel = 'data' | 'chart' | 'details' | 'history' | 'backups' | 'collectors';

/** The pond as of an older transaction (read-only time travel). */
export interface AsOf {
  txn: number;
  time: string;
}

interface AppState {
  client: PondClient | undefined;
  app: AppInfo | undefined;
  pond: PondSummary | undefined;
  selected: TreeEntry | undefined;
  asOf: AsOf | undefined;
  panel: Panel;
  theme: Theme;
  jobs: Record<string, JobInfo>;
  /** Connected: the client, the app's info, and the first open pond shown (pond serve opens one). */
  connected(boot: Boot): void;
  openPond(pond: PondSummary | undefined): void;
  select(entry: TreeEntry | undefined): void;
  setAsOf(asOf: AsOf | undefined): void;
  setPanel(panel: Panel): void;
  setTheme(theme: Theme): void;
  jobChanged(job: JobInfo): void;
  /** The open pond's summary read again (its latest transaction), keeping the selection. */
  refreshPond(): Promise<void>;
  /** An open pond has a new transaction (pushed by the service, whoever committed it). */
  pondChanged(pond: PondSummary): void;
  /** A path the tree should open its folders to and scroll to (a node just imported). */
  revealPath: string | undefined;
  reveal(path: string | undefined): void;
}

const THEME_KEY = 'pond.theme';

function savedTheme(): Theme {
  const t = localStorage.getItem(THEME_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

export const useApp = create<AppState>()((set, get) => ({
  client: undefined,
  app: undefined,
  pond: undefined,
  selected: undefined,
  asOf: undefined,
  panel: 'data',
  theme: savedTheme(),
  jobs: {},
  connected: ({ client, app, open }) => {
    set({ client, app });
    if (open[0]) get().openPond(open[0]);
  },
  openPond: (pond) => set({ pond, selected: undefined, asOf: undefined, panel: 'data' }),
  select: (selected) => set({ selected }),
  // The selection stays while the path exists in the other state (main/keep-selection.ts).
  setAsOf: (asOf) => set({ asOf }),
  setPanel: (panel) => set({ panel }),
  setTheme: (theme) => {
    if (theme === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },
  jobChanged: (job) => {
    const before = get().jobs[job.id];
    // The snapshot a call returned can arrive after the job's own later events: never go back
    // from an ended job to a running one.
    if (before && before.state !== 'running' && job.state === 'running') return;
    set((s) => ({ jobs: { ...s.jobs, [job.id]: job } }));
    // A write job of the app ended: the pond's latest transaction (and so its history) moved.
    if (
      job.pond &&
      job.pond === get().pond?.handle &&
      job.state !== 'running' &&
      before?.state !== job.state
    )
      void get().refreshPond();
  },
  refreshPond: async () => {
    const { client, pond } = get();
    if (!client || !pond) return;
    const fresh = (await client.openPonds()).find((p) => p.handle === pond.handle);
    if (fresh && get().pond?.handle === fresh.handle) set({ pond: fresh });
  },
  pondChanged: (pond) => {
    const current = get().pond;
    if (current?.handle === pond.handle && current.lastTxn !== pond.lastTxn) set({ pond });
  },
  revealPath: undefined,
  reveal: (revealPath) => set({ revealPath }),
}));

/** The client, for components rendered only once it is connected. */
export function useClient(): PondClient {
  const client = useApp((s) => s.client);
  if (!client) throw new Error('the Pond client is not connected yet');
  return client;
}

/** `asOf` for requests: the chosen transaction, or undefined for the latest. */
export function useAsOfTxn(): number | undefined {
  return useApp((s) => s.asOf?.txn);
}
