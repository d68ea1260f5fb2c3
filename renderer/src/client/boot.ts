import type { AppInfo, ListPage, ListRequest, PondSummary } from '../../../shared/api';
import { fromErrorInfo } from '../../../shared/errors';
import type { PondClient } from '../../../shared/wire';
import { connectClient } from './client';

/** Entries of the root listing asked for at boot: the tree's first page (tree-model's TREE_PAGE). */
const ROOT_PAGE = 500;

export interface Boot {
  client: PondClient;
  app: AppInfo;
  open: PondSummary[];
}

let rootPage: { key: string; page: Promise<ListPage> } | undefined;

/**
 * Connects and asks what the first screen needs as soon as the page's script runs, before the
 * app's code has loaded: the app's info, the open ponds and the root of the first one, in one
 * call (the tree takes that root instead of asking again).
 */
export function boot(): Promise<Boot> {
  return (started ??= start());
}

let started: Promise<Boot> | undefined;

async function start(): Promise<Boot> {
  const client = connectClient();
  const { app, open, root } = await client.firstScreen({ rootLimit: ROOT_PAGE });
  const first = open[0];
  if (first && root) {
    const req: ListRequest = { pond: first.handle, path: '/', offset: 0, limit: ROOT_PAGE };
    const page =
      'page' in root ? Promise.resolve(root.page) : Promise.reject(fromErrorInfo(root.error));
    page.catch(() => undefined);
    rootPage = { key: JSON.stringify(req), page };
  }
  return { client, app, open };
}

/** The root listing asked for at boot, once, when `req` is that request; else undefined. */
export function bootListing(req: ListRequest): Promise<ListPage> | undefined {
  if (!rootPage || rootPage.key !== JSON.stringify(req)) return undefined;
  const { page } = rootPage;
  rootPage = undefined;
  return page;
}
