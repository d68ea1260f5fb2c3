import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isPondError } from '../../shared/errors.js';
import { hashFile } from '../tlogfs/blob-store.js';
import type { Pond } from '../tlogfs/pond.js';
import { FileStore } from './file-store.js';
import { parseCommit } from '../delta/index.js';
import { commitKey, readLogView } from './log-view.js';
import { eachLimited } from './object-store.js';
import { openStore } from './open-store.js';
import type { Job } from '../job/job.js';
import { localStore } from './push.js';
import type { RemoteConfig } from './remote-config.js';
import { compareLogs, type Relation } from './relation.js';
import { planTransfer } from './transfer-plan.js';
import { blobsInFiles } from './transfer.js';

export interface Damage {
  key: string;
  problem: string;
}

export interface VerifyReport {
  remote: string;
  url: string;
  /** The remote against this pond: up to date, behind (lacks newer transactions), ahead, diverged. */
  relation: Relation;
  localVersion: number;
  remoteVersion: number;
  /** Objects the remote's log names that were checked, and their bytes. */
  objects: number;
  bytes: number;
  /** Objects checked for presence and size only: neither named by their hash nor held here. */
  unchecked: number;
  damaged: Damage[];
}

/**
 * `pond verify`: where the remote stands against this pond, and whether every object its log
 * names is there and intact: blobs hash to their names, log entries and data files to this
 * pond's copies (when it has them). `quick` checks presence and sizes only.
 */
export async function verifyRemote(
  pond: Pond,
  remote: RemoteConfig,
  options: { quick?: boolean } = {},
  job?: Job,
): Promise<VerifyReport> {
  const store = await openStore(remote, job ? { signal: job.signal } : {});
  const local = localStore(pond);
  // Downloads to hash or read go in the pond's staging, where maintain finds them after a kill.
  const scratch = await local.scratchFolder();
  try {
    const [localView, remoteView] = await Promise.all([
      readLogView(local),
      readLogView(store, { full: true }),
    ]);
    const relation = await compareLogs(
      { store: local, view: localView },
      { store, view: remoteView },
    );
    const report: VerifyReport = {
      remote: remote.name,
      url: store.url,
      relation,
      localVersion: localView.tip,
      remoteVersion: remoteView.tip,
      objects: 0,
      bytes: 0,
      unchecked: 0,
      damaged: [],
    };
    if (remoteView.tip < 0) return report;
    if (relation.kind === 'diverged') {
      // A newest entry that does not parse is damage, not another history.
      const v = Math.min(localView.tip, remoteView.tip);
      const theirs = await store.read(commitKey(v));
      try {
        if (theirs) parseCommit(theirs.bytes.toString('utf8'), v);
      } catch (e) {
        report.damaged.push({ key: commitKey(v), problem: (e as Error).message });
      }
    }
    // Everything the remote's log names: a transfer of the whole remote into an empty folder.
    let plan;
    try {
      plan = await planTransfer(store, new FileStore(join(scratch, 'empty')));
    } catch (e) {
      if (!isPondError(e)) throw e;
      report.damaged.push({ key: store.url, problem: e.message });
      return report;
    }
    const sameHistory = relation.kind !== 'diverged';
    const total = plan.log.length + plan.dataFiles.size;
    let done = 0;
    const tick = (what: string) => {
      done++;
      job?.progress({ done, total, message: `verifying ${what}` });
    };

    for (const e of plan.log.filter((x) => x.kind === 'commit')) {
      job?.checkCancelled();
      report.objects++;
      report.bytes += e.bytes!.length;
      const mine = sameHistory ? await local.read(e.key) : undefined;
      if (mine && !mine.bytes.equals(e.bytes!))
        report.damaged.push({ key: e.key, problem: 'differs from this pond’s copy' });
      else if (!mine) report.unchecked++;
      tick(e.key);
    }

    const files = [
      ...plan.log
        .filter((x) => x.kind === 'checkpoint')
        .map((x) => ({ key: x.key, size: undefined })),
      ...[...plan.dataFiles].map(([key, f]) => ({ key, size: f.size })),
    ];
    const there = await store.sizes(files.map((f) => f.key));
    const parquetForBlobs: string[] = [];
    await eachLimited(files, 4, async (f) => {
      job?.checkCancelled();
      const size = there.get(f.key);
      if (size === undefined) {
        if (plan.dataFiles.get(f.key)?.live !== false)
          report.damaged.push({ key: f.key, problem: 'missing' });
        tick(f.key);
        return;
      }
      report.objects++;
      report.bytes += size;
      if (f.size !== undefined && size !== f.size) {
        report.damaged.push({ key: f.key, problem: `${size} bytes, the log says ${f.size}` });
        tick(f.key);
        return;
      }
      const mine = local.localPath(f.key);
      const mineHash = await hashFile(mine).catch(() => undefined);
      const isData = plan.dataFiles.has(f.key);
      if (options.quick) {
        if (mineHash === undefined) report.unchecked++;
        if (isData && mineHash !== undefined) parquetForBlobs.push(mine);
      } else if (isData && mineHash === undefined) {
        // No copy here to compare with: fetch it to read the blobs its rows name.
        const tmp = join(scratch, `${randomUUID()}.parquet`);
        await store.download(f.key, tmp);
        parquetForBlobs.push(tmp);
        report.unchecked++;
      } else {
        const theirs = await store.hash(f.key);
        if (mineHash === undefined) report.unchecked++;
        else if (theirs?.sha256 !== mineHash)
          report.damaged.push({ key: f.key, problem: 'its content differs from this pond’s copy' });
        else if (isData) parquetForBlobs.push(mine);
      }
      tick(f.key);
    });

    const blobs = [...new Set((await blobsInFiles(parquetForBlobs)).map((b) => b.key))];
    const blobSizes = await store.sizes(blobs);
    await eachLimited(blobs, 4, async (key) => {
      job?.checkCancelled();
      const size = blobSizes.get(key);
      if (size === undefined) {
        report.damaged.push({ key, problem: 'missing' });
        return;
      }
      report.objects++;
      report.bytes += size;
      const name = key.slice(key.indexOf('=') + 1);
      if (options.quick) {
        const mine = await local.sizes([key]);
        if (mine.has(key) && mine.get(key) !== size)
          report.damaged.push({
            key,
            problem: `${size} bytes, this pond’s copy has ${mine.get(key)}`,
          });
        return;
      }
      const theirs = await store.hash(key);
      if (theirs?.sha256 !== name)
        report.damaged.push({
          key,
          problem: `its content hashes to ${theirs?.sha256 ?? 'nothing'}`,
        });
    });
    report.damaged.sort((a, b) => (a.key < b.key ? -1 : 1));
    return report;
  } finally {
    store.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
