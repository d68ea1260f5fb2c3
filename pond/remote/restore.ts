import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { releaseStagingFolder } from '../tlogfs/staging.js';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { DuckSession } from '../duckdb/session.js';
import { fsck } from '../tlogfs/fsck.js';
import { PondLayout } from '../tlogfs/layout.js';
import { Pond } from '../tlogfs/pond.js';
import { FileStore } from './file-store.js';
import { openStore, type RemoteAddress } from './open-store.js';
import type { Job } from '../job/job.js';
import { addRemote } from './remote-config.js';
import { parseRemoteUrl } from './remote-url.js';
import { isInside, realpathOfDeepest } from '../tlogfs/real-paths.js';
import { planTransfer, type TransferCounts } from './transfer-plan.js';
import { runTransfer } from './transfer.js';

export interface RestoreReport {
  path: string;
  url: string;
  pondId: string;
  birthplace: string;
  /** The newest transaction of the replica. */
  version: number;
  /** fsck's digest of the replica: equal to the source's at the same transaction. */
  digest: string;
  /** The remote the replica pulls from. */
  remote: string;
  counts: TransferCounts;
}

/**
 * `pond backup restore URL --pond PATH`: a replica of the pond a remote holds, with the same pond
 * id. It is built in a hidden folder beside PATH, checked with fsck, and renamed into place, so a
 * failed or cancelled restore leaves nothing behind. The replica records the remote (as `name`)
 * so `pond pull` brings it up to date.
 */
export async function restoreReplica(
  address: RemoteAddress,
  path: string,
  options: { name?: string; session?: DuckSession } = {},
  job?: Job,
): Promise<RestoreReport> {
  const dest = resolve(path);
  if (existsSync(dest) && (await readdir(dest)).length > 0) {
    throw new PondError(
      ErrorCode.AlreadyExists,
      `${dest} is not empty: restore into a new or empty folder`,
      { input: dest },
    );
  }
  const from = parseRemoteUrl(address.url);
  if (
    from.kind === 'file' &&
    isInside(await realpathOfDeepest(from.path), await realpathOfDeepest(dest))
  ) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${dest} is inside the backup ${from.url}: restore the replica into a folder outside it`,
      { input: dest },
    );
  }
  const name = options.name ?? 'origin';
  const tmp = join(dirname(dest), `.${basename(dest)}.restoring-${randomUUID()}`);
  const layout = new PondLayout(tmp);
  const session = options.session ?? DuckSession.lazy();
  const store = await openStore(address, job ? { signal: job.signal } : {});
  try {
    await mkdir(layout.data, { recursive: true });
    await mkdir(layout.cache, { recursive: true });
    const local = new FileStore(layout.data, `the new replica at ${dest}`);
    const plan = await planTransfer(store, local);
    if (plan.sourceView.tip < 0) {
      throw new PondError(ErrorCode.NotFound, `${store.url} holds no pond: nothing to restore`, {
        input: store.url,
      });
    }
    const counts = await runTransfer(plan, store, local, job, 'restoring');
    await addRemote(tmp, {
      name,
      url: store.url,
      ...(address.endpoint ? { endpoint: address.endpoint } : {}),
      ...(address.region ? { region: address.region } : {}),
      auto: false,
    });
    const pond = await Pond.open(tmp, { session });
    let report: Omit<RestoreReport, 'path'>;
    try {
      const check = await fsck(pond);
      if (check.problems.length > 0) {
        const p = check.problems[0]!;
        throw new PondError(
          ErrorCode.Remote,
          `${store.url}: the restored pond fails fsck (${check.problems.length} problems; first: ${p.kind} ${p.path}: ${p.detail}); nothing was kept`,
          { input: store.url },
        );
      }
      report = {
        url: store.url,
        pondId: pond.identity.id,
        birthplace: pond.identity.birthplace,
        version: check.version,
        digest: check.digest,
        remote: name,
        counts,
      };
    } finally {
      await pond.close();
    }
    // Our staging folder inside the replica would move with it, out of the exit hook's reach.
    await releaseStagingFolder(layout.blobs);
    if (existsSync(dest)) await rmdir(dest); // empty, checked above
    await rename(tmp, dest);
    return { ...report, path: dest };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    store.close();
    if (!options.session) session.close();
  }
}
