import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { DuckSession } from '../duckdb/session.js';
import { DeltaTable, LOG_DIR, decodeDataPath } from '../delta/index.js';
import { FileStore } from './file-store.js';
import { HINT_KEY, readLogView } from './log-view.js';
import { eachLimited, type ObjectStore } from './object-store.js';

/**
 * A remote's Delta table read by our Delta reader, straight from the remote: the newest checkpoint
 * and the commits after it are fetched into `cacheDir/_delta_log` and replayed, and the data files
 * of the snapshot are fetched beside them for DuckDB (which reads only local files here: its
 * httpfs extension is not available). Log entries and data files never change once written, so
 * the cache is reused as it is.
 */
export async function openRemoteTable(
  store: ObjectStore,
  cacheDir: string,
  session: DuckSession,
): Promise<DeltaTable> {
  const view = await readLogView(store);
  if (view.tip < 0) {
    throw new PondError(ErrorCode.NotFound, `${store.url} holds no Delta table`, {
      input: store.url,
    });
  }
  const cache = new FileStore(cacheDir);
  const start = Math.max(-1, ...[...view.checkpoints.keys()].filter((c) => c <= view.tip));
  const keys = [
    ...(start >= 0 ? view.checkpoints.get(start)! : []),
    ...[...view.commits].filter(([v]) => v > start).map(([, k]) => k),
  ];
  if (start < 0 && !view.commits.has(0)) {
    // Listed from a hint without a checkpoint: list everything.
    const full = await readLogView(store, { full: true });
    keys.push(...[...full.commits].filter(([v]) => !view.commits.has(v)).map(([, k]) => k));
  }
  await mkdir(join(cacheDir, LOG_DIR), { recursive: true });
  await eachLimited(keys, 8, (key) => fetch(store, cache, key));
  const hint = await store.read(HINT_KEY);
  if (hint) await writeFile(cache.localPath(HINT_KEY), hint.bytes);
  const table = await DeltaTable.open(cacheDir, session);
  await eachLimited(table.snapshot.files, 8, (add) =>
    fetch(store, cache, decodeDataPath(add.path)),
  );
  return table;
}

async function fetch(store: ObjectStore, cache: FileStore, key: string): Promise<void> {
  const path = cache.localPath(key);
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    return;
  await mkdir(dirname(path), { recursive: true });
  await cache.receive(key, async (tmp) => (await store.download(key, tmp)).sha256);
}
