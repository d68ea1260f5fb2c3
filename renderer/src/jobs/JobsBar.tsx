import { useState } from 'react';
import type { JobInfo } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useApp, useClient } from '../state/app-store';

/** Running jobs with progress and Cancel; failed ones with their error until dismissed. */
export function JobsBar() {
  const jobs = useApp((s) => s.jobs);
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const shown = Object.values(jobs).filter(
    (j) => j.state === 'running' || (j.state === 'failed' && !dismissed.has(j.id)),
  );
  if (shown.length === 0) return null;
  return (
    <div className="jobs-bar" role="status" aria-label="Jobs">
      {shown.map((j) => (
        <Job key={j.id} job={j} onDismiss={() => setDismissed((d) => new Set(d).add(j.id))} />
      ))}
    </div>
  );
}

function Job({ job, onDismiss }: { job: JobInfo; onDismiss(): void }) {
  const client = useClient();
  const [error, setError] = useState<ErrorInfo>();
  const { done, total, message } = job.progress;
  return (
    <div className="job" data-state={job.state}>
      <span className="job-kind">{job.kind}</span>
      {job.state === 'running' ? (
        <>
          {total !== undefined ? (
            <progress max={total} value={done} />
          ) : (
            <progress aria-label="working" />
          )}
          <span>{message}</span>
          <button
            onClick={() => client.cancelJob(job.id).catch((e: unknown) => setError(toErrorInfo(e)))}
          >
            Cancel
          </button>
        </>
      ) : (
        <>
          {job.error ? <ErrorView error={job.error} title={`${job.kind} failed`} /> : null}
          <button onClick={onDismiss}>Dismiss</button>
        </>
      )}
      {error ? <ErrorView error={error} title="Cannot cancel" /> : null}
    </div>
  );
}
