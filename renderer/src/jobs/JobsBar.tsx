import { useState } from 'react';
import type { JobInfo } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { jobLabel } from './job-label';
import { JobProgress } from './JobProgress';
import { useApp } from '../state/app-store';

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
  return (
    <div className="job" data-state={job.state}>
      <span className="job-kind">{jobLabel(job.kind)}</span>
      {job.state === 'running' ? (
        <JobProgress job={job} />
      ) : (
        <>
          {job.error ? (
            <ErrorView error={job.error} title={`${jobLabel(job.kind)} failed`} />
          ) : null}
          <button onClick={onDismiss}>Dismiss</button>
        </>
      )}
    </div>
  );
}
