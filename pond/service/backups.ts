import type { BackupInfo, JobInfo } from '../../shared/api.js';
import { getRemote, listRemotes, pushRemote, readRemoteState } from '../remote/index.js';
import type { Pond } from '../tlogfs/pond.js';
import type { JobRunner } from './jobs.js';

/**
 * The app's backups: their state from the last push (no network), and pushes as jobs ('push')
 * with progress and cancel. One push per backup at a time: asking again while one runs gives the
 * running job; an automatic push asked for meanwhile runs once more after it, so no commit is left
 * behind.
 */
export class Backups {
  /** `<pond folder>\0<backup>` -> running job id. */
  private readonly running = new Map<string, string>();
  private readonly again = new Set<string>();

  constructor(private readonly jobs: JobRunner) {}

  async list(pond: Pond): Promise<BackupInfo[]> {
    await pond.delta.refresh();
    const out: BackupInfo[] = [];
    for (const r of await listRemotes(pond.layout.root)) {
      const st = await readRemoteState(pond.layout.root, r.name);
      const jobId = this.running.get(keyOf(pond, r.name));
      const pushed = st.lastPushed;
      const failed = st.lastPush && !st.lastPush.ok ? st.lastPush : undefined;
      const info: BackupInfo = {
        name: r.name,
        url: r.url,
        auto: r.auto,
        localTxn: pond.lastSeq,
        state: jobId
          ? 'pushing'
          : failed
            ? 'failing'
            : !pushed
              ? 'never pushed'
              : pushed.version >= pond.lastSeq
                ? 'up to date'
                : 'behind',
      };
      if (r.endpoint) info.endpoint = r.endpoint;
      if (pushed) {
        info.pushedTxn = pushed.version;
        info.pushedAt = pushed.at;
      }
      if (failed) info.lastError = { at: failed.at, message: failed.error ?? 'failed' };
      if (jobId) info.jobId = jobId;
      out.push(info);
    }
    return out;
  }

  /** Starts (or joins) a push of one backup. */
  async push(pond: Pond, name: string): Promise<JobInfo> {
    const remote = await getRemote(pond.layout.root, name);
    const key = keyOf(pond, name);
    const current = this.running.get(key);
    if (current) return this.jobs.get(current);
    const job = this.jobs.start('push', async (ctx) => {
      ctx.progress({ done: 0, message: `pushing to '${name}'` });
      const r = await pushRemote(pond, remote, ctx, { auto: false });
      return {
        backup: name,
        outcome: r.outcome,
        from: r.from,
        to: r.to,
        ...(r.counts ? { counts: r.counts } : {}),
      };
    });
    this.running.set(key, job.id);
    void this.jobs.wait(job.id).then(() => {
      this.running.delete(key);
      if (this.again.delete(key)) void this.push(pond, name).catch(() => undefined);
    });
    return job;
  }

  /** After a commit: pushes every automatic backup in the background; never fails the commit. */
  async afterCommit(pond: Pond): Promise<void> {
    for (const r of (await listRemotes(pond.layout.root)).filter((x) => x.auto)) {
      const key = keyOf(pond, r.name);
      if (this.running.has(key)) this.again.add(key);
      else await this.push(pond, r.name);
    }
  }
}

function keyOf(pond: Pond, name: string): string {
  return `${pond.layout.root}\0${name}`;
}
