import { ErrorCode, PondError } from '../../../shared/errors.js';
import { ident } from '../../duckdb/sql.js';
import { nodeRelation } from '../../query/node-relation.js';
import { describeRelation } from '../../query/parquet-file.js';
import { isDirectory, isFile, type DirectoryNode } from '../../tinyfs/node.js';
import { joinPath } from '../../tinyfs/path.js';
import type { PondTxn } from '../../tlogfs/transaction.js';
import { deviceDir, type HydroVuConfig, type HydroVuDevice } from './config.js';

/**
 * Where a device's collection resumes (reference §4.2): after the newest reading stored in any
 * `*.series` of `{hydrovu_path}/devices/{id}/` (the active series and its archives), from the
 * versions' recorded event times. When there is none and `archive_path` is set, after the newest
 * reading of `{archive_path}/devices/{id}/*.series` (read-only seed archives, which may be
 * derived files without recorded times: they are queried, and an integer timestamp there is unix
 * seconds, as the original's seed archives store it). An `archive_path` without data for the
 * device is an error: crawling HydroVu from 1970 is what it is there to prevent. Otherwise the
 * device starts from the beginning. µs since the epoch, or undefined.
 */
export async function newestStored(
  txn: PondTxn,
  cfg: HydroVuConfig,
  device: HydroVuDevice,
): Promise<number | undefined> {
  const own = await directory(txn, deviceDir(cfg.hydrovuPath, device));
  if (own) {
    let newest: number | undefined;
    for (const e of await own.entries()) {
      if (!e.name.endsWith('.series') || e.type !== 'series' || e.factory !== undefined) continue;
      const node = await own.child(e.name);
      if (!node || !isFile(node)) continue;
      for (const v of await node.versions())
        if (v.maxEventTimeUs !== undefined)
          newest = Math.max(newest ?? v.maxEventTimeUs, v.maxEventTimeUs);
    }
    if (newest !== undefined) return newest;
  }
  if (cfg.archivePath === undefined) return undefined;
  const archiveDir = deviceDir(cfg.archivePath, device);
  const newest = await newestInArchive(txn, archiveDir);
  if (newest === undefined) {
    throw new PondError(
      ErrorCode.BadConfig,
      `device '${device.name}' (${device.id}) has no readings in ${deviceDir(cfg.hydrovuPath, device)} and none in archive_path's ${archiveDir}; refusing to collect it from 1970 (add its archive, or remove archive_path)`,
      { input: archiveDir },
    );
  }
  return newest;
}

async function directory(txn: PondTxn, path: string): Promise<DirectoryNode | undefined> {
  const found = await (await txn.wd()).lookup(path).catch(() => undefined);
  return found?.found && isDirectory(found.node) ? found.node : undefined;
}

async function newestInArchive(txn: PondTxn, dirPath: string): Promise<number | undefined> {
  const dir = await directory(txn, dirPath);
  if (!dir) return undefined;
  let newest: number | undefined;
  for (const e of await dir.entries()) {
    if (!e.name.endsWith('.series')) continue;
    const node = await dir.child(e.name);
    if (!node || !isFile(node) || node.type === 'data') continue;
    const path = joinPath(dirPath, e.name);
    const relation = await nodeRelation(node, path, { txn, expanding: [] });
    const ts = (await describeRelation(txn.session, relation)).find((c) => c.name === 'timestamp');
    if (!ts) {
      throw new PondError(ErrorCode.BadInput, `archive '${path}' has no timestamp column`, {
        input: path,
      });
    }
    const expr = /^TIMESTAMP/.test(ts.type)
      ? `epoch_us(max(${ident('timestamp')}))`
      : /INT/.test(ts.type)
        ? `max(${ident('timestamp')}) * 1000000`
        : undefined;
    if (expr === undefined) {
      throw new PondError(
        ErrorCode.BadInput,
        `archive '${path}': timestamp is ${ts.type}; expected a timestamp or integer unix seconds`,
        { input: path },
      );
    }
    const r = await txn.session.all(`SELECT (${expr})::DOUBLE AS m FROM (${relation})`);
    const m = r[0]?.['m'] as number | null | undefined;
    if (m !== null && m !== undefined) newest = Math.max(newest ?? m, m);
  }
  return newest;
}
