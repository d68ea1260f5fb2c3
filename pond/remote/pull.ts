import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import type { Pond } from '../tlogfs/pond.js';
import { openStore } from './open-store.js';
import type { Job } from '../job/job.js';
import { localStore } from './push.js';
import type { RemoteConfig } from './remote-config.js';
import { recordSync } from './remote-state.js';
import { planTransfer, type TransferCounts } from './transfer-plan.js';
import { runTransfer } from './transfer.js';

export interface PullReport {
  remote: string;
  url: string;
  outcome: 'pulled' | 'up to date' | 'ahead';
  /** This pond's newest transaction before and after. */
  from: number;
  to: number;
  /** Transactions this pond has that the remote lacks (outcome 'ahead'). */
  ahead?: number;
  counts?: TransferCounts;
}

/**
 * `pond pull`: brings a replica up to date from its source. Runs under the pond's write lock,
 * so no local transaction interleaves; the data files and blobs arrive first, checked by hash,
 * then the commits in order, so an interrupted pull leaves the pond at a complete transaction.
 */
export async function pullRemote(pond: Pond, remote: RemoteConfig, job?: Job): Promise<PullReport> {
  try {
    const report = await pond.withWriteLock(['pull', remote.name], () => pull(pond, remote, job));
    await recordSync(pond.layout.root, remote.name, 'pull', {
      at: new Date().toISOString(),
      ok: true,
      auto: false,
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
    await recordSync(pond.layout.root, remote.name, 'pull', {
      at: new Date().toISOString(),
      ok: false,
      auto: false,
      error: messageOf(e),
    }).catch(() => undefined);
    throw e;
  }
}

async function pull(pond: Pond, remote: RemoteConfig, job: Job | undefined): Promise<PullReport> {
  const store = await openStore(remote, job ? { signal: job.signal } : {});
  try {
    const local = localStore(pond);
    const plan = await planTransfer(store, local);
    const r = plan.relation;
    const base = { remote: remote.name, url: store.url, from: plan.from };
    if (plan.sourceView.tip < 0) {
      throw new PondError(
        ErrorCode.NotFound,
        `${store.url} (remote '${remote.name}') holds no pond yet: nothing to pull`,
        { input: store.url },
      );
    }
    if (r.kind === 'same') return { ...base, outcome: 'up to date', to: plan.from };
    if (r.kind === 'ahead') return { ...base, outcome: 'ahead', to: plan.from, ahead: r.by };
    if (r.kind !== 'behind') {
      throw new PondError(
        ErrorCode.Conflict,
        `${store.url} (remote '${remote.name}') does not hold this pond's history: ${r.kind === 'diverged' ? r.reason : 'this pond is empty'}; nothing was pulled`,
        { input: store.url },
      );
    }
    const counts = await runTransfer(plan, store, local, job, 'pulling');
    await pond.delta.refresh();
    return { ...base, outcome: 'pulled', to: plan.to, counts };
  } finally {
    store.close();
  }
}
