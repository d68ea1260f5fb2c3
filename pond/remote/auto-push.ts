import { toErrorInfo, type ErrorInfo } from '../../shared/errors.js';
import type { Pond } from '../tlogfs/pond.js';
import type { Job } from '../job/job.js';
import type { PushReport } from './push.js';
import { listRemotes, type RemoteConfig } from './remote-config.js';

export interface AutoPushOutcome {
  remote: string;
  report?: PushReport;
  error?: ErrorInfo;
}

/** The remotes a pond pushes to after every commit (`pond backup add --auto`). */
export async function autoRemotes(pond: Pond): Promise<RemoteConfig[]> {
  return (await listRemotes(pond.layout.root)).filter((r) => r.auto);
}

/**
 * Pushes to every automatic remote after a commit. It never throws: the commit is already durable,
 * so an unreachable remote is reported (and recorded in its state) and the next push, automatic or
 * not, sends everything it missed.
 */
export async function autoPush(
  pond: Pond,
  report: (o: AutoPushOutcome) => void,
  job?: Job,
): Promise<void> {
  let remotes: RemoteConfig[];
  try {
    remotes = await autoRemotes(pond);
  } catch (e) {
    report({ remote: '(configuration)', error: toErrorInfo(e) });
    return;
  }
  if (remotes.length === 0) return;
  // The push code loads only for a pond that has automatic remotes (every commit comes here).
  const { pushRemote } = await import('./push.js');
  for (const r of remotes) {
    try {
      report({ remote: r.name, report: await pushRemote(pond, r, job, { auto: true }) });
    } catch (e) {
      report({ remote: r.name, error: toErrorInfo(e) });
    }
  }
}
