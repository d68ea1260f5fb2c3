import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { Pond } from '../tlogfs/pond.js';
import { FileStore } from './file-store.js';
import { openStore } from './open-store.js';
import type { Job } from '../job/job.js';
import type { RemoteConfig } from './remote-config.js';
import { readRemoteState, recordSync } from './remote-state.js';
import { planTransfer, type TransferCounts } from './transfer-plan.js';
import { runTransfer } from './transfer.js';

export interface PushReport {
  remote: string;
  url: string;
  /** 'up to date' when the remote already had every transaction. */
  outcome: 'pushed' | 'up to date';
  /** The remote's newest transaction before (-1: it was empty) and after. */
  from: number;
  to: number;
  counts?: TransferCounts;
}

/** The local pond's Delta table as a store: the source of pushes, the target of pulls. */
export function localStore(pond: Pond): FileStore {
  return new FileStore(pond.layout.data, `the pond at ${pond.layout.root}`);
}

/**
 * `pond push`: sends the transactions the remote lacks, with only the data files and blobs it
 * does not hold, each checked by hash, and the log entries last. A remote that is ahead or holds
 * another history is refused and nothing is sent. The outcome is recorded for `backup list` and
 * the app, failures included.
 */
export async function pushRemote(
  pond: Pond,
  remote: RemoteConfig,
  job?: Job,
  options: { auto?: boolean } = {},
): Promise<PushReport> {
  const auto = options.auto ?? false;
  try {
    const report = await push(pond, remote, job, auto);
    await recordSync(pond.layout.root, remote.name, 'push', {
      at: new Date().toISOString(),
      ok: true,
      auto,
      version: report.to,
      objects: report.counts
        ? report.counts.commits +
          report.counts.checkpoints +
          report.counts.dataFiles +
          report.counts.blobs
        : 0,
      bytes: report.counts?.bytes ?? 0,
    });
    return report;
  } catch (e) {
    await recordSync(pond.layout.root, remote.name, 'push', {
      at: new Date().toISOString(),
      ok: false,
      auto,
      error: messageOf(e),
    }).catch(() => undefined);
    throw e;
  }
}

async function push(
  pond: Pond,
  remote: RemoteConfig,
  job: Job | undefined,
  auto: boolean,
): Promise<PushReport> {
  const store = await openStore(remote, {
    ...(job ? { signal: job.signal } : {}),
    ...(auto ? { maxAttempts: 1 } : {}),
  });
  try {
    const plan = await planTransfer(localStore(pond), store);
    const r = plan.relation;
    const base = { remote: remote.name, url: store.url, from: plan.from };
    if (r.kind === 'empty') {
      // A backup that held this pond and is now empty is more likely a disk that is not mounted
      // (or a wrong endpoint) than a backup to start again.
      const had = (await readRemoteState(pond.layout.root, remote.name)).lastPushed;
      if (had) {
        throw new PondError(
          ErrorCode.Remote,
          `${store.url} (remote '${remote.name}') is empty, but transaction ${had.version} was pushed there at ${had.at}: is it mounted, is the URL right? Nothing was pushed (pond backup remove ${remote.name} and add it again to start over)`,
          { input: store.url },
        );
      }
    }
    if (r.kind === 'same') return { ...base, outcome: 'up to date', to: plan.from };
    if (r.kind === 'ahead') {
      throw new PondError(
        ErrorCode.Conflict,
        `${store.url} (remote '${remote.name}') is ahead of this pond by ${r.by} transaction${r.by === 1 ? '' : 's'}: pull them first (pond pull ${remote.name}); nothing was pushed`,
        { input: store.url },
      );
    }
    if (r.kind === 'diverged') {
      throw new PondError(
        ErrorCode.Conflict,
        `${store.url} (remote '${remote.name}') does not hold this pond's history: ${r.reason}; nothing was pushed`,
        { input: store.url },
      );
    }
    const counts = await runTransfer(plan, localStore(pond), store, job, 'pushing');
    return { ...base, outcome: 'pushed', to: plan.to, counts };
  } finally {
    store.close();
  }
}
