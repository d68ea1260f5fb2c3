import { create } from 'zustand';
import type { AppInfo, JobInfo, PondSummary, TreeEntry } from '../../../shared/api';
import type { PondClient } from '../../../shared/wire';

export type Theme = 'system' | 'light' | 'dark';
export type Panel = 'data' | 'chart' | 'details' | 'history' | 'backups';

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
  setClient(client: PondClient, app: AppInfo): void;
  openPond(pond: PondSummary | undefined): void;
  select(entry: TreeEntry | undefined): void;
  setAsOf(asOf: AsOf | undefined): void;
  setPanel(panel: Panel): void;
  setTheme(theme: Theme): void;
  jobChanged(job: JobInfo): void;
}

const THEME_KEY = 'pond.theme';

function savedTheme(): Theme {
  const t = localStorage.getItem(THEME_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

export const useApp = create<AppState>()((set) => ({
  client: undefined,
  app: undefined,
  pond: undefined,
  selected: undefined,
  asOf: undefined,
  panel: 'data',
  theme: savedTheme(),
  jobs: {},
  setClient: (client, app) => set({ client, app }),
  openPond: (pond) => set({ pond, selected: undefined, asOf: undefined, panel: 'data' }),
  select: (selected) => set({ selected }),
  // Time travel changes what exists: the selection may not exist as of the chosen transaction.
  setAsOf: (asOf) => set({ asOf, selected: undefined }),
  setPanel: (panel) => set({ panel }),
  setTheme: (theme) => {
    if (theme === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, theme);
    set({ theme });
  },
  jobChanged: (job) => set((s) => ({ jobs: { ...s.jobs, [job.id]: job } })),
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
