import type { JobInfo, WriteJobResult } from '../../../shared/api';
import type { ImportedFile } from '../../../shared/import';
import { ErrorView } from '../common/ErrorView';
import { JobProgress } from '../jobs/JobProgress';
import { useApp } from '../state/app-store';

/** The import's jobs (one per transaction) with progress and Cancel, then what each stored. */
export function RunView({ jobIds }: { jobIds: string[] }) {
  const jobs = useApp((s) => s.jobs);
  return (
    <div className="wizard-step run" aria-label="Import running">
      {jobIds.map((id) => (
        <JobRow key={id} job={jobs[id]} />
      ))}
    </div>
  );
}

function JobRow({ job }: { job: JobInfo | undefined }) {
  if (!job) return <p className="muted">Starting…</p>;
  if (job.state === 'running') {
    return (
      <div className="import-job" data-state="running">
        <JobProgress job={job} label="Import progress" messageTestId="import-progress" />
      </div>
    );
  }
  if (job.state !== 'done') {
    return (
      <div className="import-job" data-state={job.state}>
        <p data-testid="import-state">
          {job.state === 'cancelled'
            ? 'Cancelled: nothing was imported (no transaction, no file left behind).'
            : 'The import failed: nothing was imported.'}
        </p>
        {job.error ? <ErrorView error={job.error} title={`Import ${job.state}`} /> : null}
      </div>
    );
  }
  const r = job.result as WriteJobResult<ImportedFile[]>;
  return (
    <div className="import-job" data-state="done">
      <p data-testid="import-done">
        Transaction {r.txn}: {r.value.length} file{r.value.length === 1 ? '' : 's'} imported
      </p>
      <table className="simple" aria-label={`Imported in transaction ${r.txn}`}>
        <thead>
          <tr>
            <th>Path</th>
            <th>Kind</th>
            <th>Version</th>
            <th>Rows</th>
          </tr>
        </thead>
        <tbody>
          {r.value.map((f) => (
            <tr key={f.path}>
              <td className="mono">{f.path}</td>
              <td>{f.kind}</td>
              <td>{f.created ? 'new' : `version ${f.version}`}</td>
              <td>
                {f.rows === undefined ? '' : f.rows.toLocaleString('en-US')}
                {f.rejected ? ` (${f.rejected} rejected rows left out)` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
