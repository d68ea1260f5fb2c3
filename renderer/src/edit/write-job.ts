import type { JobInfo } from '../../../shared/api';
import { useApp } from '../state/app-store';
import { offerUndo } from './edit-store';

/**
 * Waits for a write job this window started to end (its events reach the app store), and hands
 * back how it ended. The job is put in the store at once, so the jobs bar shows it; an undoable
 * one goes on the undo list when it commits.
 */
export function untilJobEnds(started: JobInfo, options: { undoable: boolean }): Promise<JobInfo> {
  useApp.getState().jobChanged(started);
  if (options.undoable) offerUndo(started.id);
  return new Promise((resolve) => {
    const check = (): boolean => {
      const job = useApp.getState().jobs[started.id];
      if (!job || job.state === 'running') return false;
      resolve(job);
      return true;
    };
    if (check()) return;
    const stop = useApp.subscribe(() => {
      if (check()) stop();
    });
  });
}
