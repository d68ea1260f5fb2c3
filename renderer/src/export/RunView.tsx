import { useState } from 'react';
import type { ExportSettings, ExportSummary } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { formatBytes } from '../common/format';
import { JobProgress } from '../jobs/JobProgress';
import { useApp, useClient } from '../state/app-store';
import { CopyCommand } from './CopyCommand';
import { startDownload } from './download';
import { SaveProfile } from './SaveProfile';

/** Step 4: the export job's progress with Cancel, then what it wrote. */
export function RunView({
  pond,
  jobId,
  settings,
  profile,
}: {
  pond: string;
  jobId: string;
  settings: ExportSettings;
  profile: string | undefined;
}) {
  const client = useClient();
  const app = useApp((s) => s.app);
  const job = useApp((s) => s.jobs[jobId]);
  const [error, setError] = useState<ErrorInfo>();
  if (!job) return <p className="muted">Starting…</p>;
  if (job.state === 'running') {
    return (
      <div className="wizard-step run" aria-label="Export running">
        <JobProgress job={job} label="Export progress" messageTestId="run-progress" />
      </div>
    );
  }
  if (job.state !== 'done') {
    return (
      <div className="wizard-step run" aria-label="Export ended">
        <p data-testid="run-state">
          {job.state === 'cancelled'
            ? 'Cancelled: nothing was written (no partition, no staging folder).'
            : 'The export failed: nothing was written.'}
        </p>
        {job.error ? <ErrorView error={job.error} title={`Export ${job.state}`} /> : null}
      </div>
    );
  }
  const s = job.result as ExportSummary;
  return (
    <div className="wizard-step summary" aria-label="Export summary">
      <p data-testid="summary-totals">
        Wrote {s.totals.files} files, {s.totals.rows.toLocaleString('en-US')} rows,{' '}
        {formatBytes(s.totals.bytes)} from transaction {s.txn} into{' '}
        <span className="mono">{s.dir}</span>
      </p>
      <p>
        Metadata: <span className="mono">{s.metadataFile}</span>
        {s.pages.map((p) => (
          <span key={p} className="mono">
            {' '}
            · {p}
          </span>
        ))}
      </p>
      <table className="simple" aria-label="Files written">
        <thead>
          <tr>
            <th>File</th>
            <th>Start (UTC)</th>
            <th>End</th>
            <th>Rows</th>
            <th>Size</th>
          </tr>
        </thead>
        {s.targets.map((t) => (
          <tbody key={t.source} data-source={t.source}>
            <tr>
              <th colSpan={5} className="mono">
                {t.source}
                {t.captures.length ? ` [${t.captures.join(', ')}]` : ''}
              </th>
            </tr>
            {t.files.map((f) => (
              <tr key={f.path}>
                <td className="mono">{f.path}</td>
                <td>{f.start ?? ''}</td>
                <td>{f.end ?? ''}</td>
                <td>{t.kind === 'data' ? '' : f.rows}</td>
                <td>{formatBytes(f.bytes ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
      <div className="actions">
        {app?.mode === 'electron' ? (
          <button
            onClick={() =>
              client.showExportFolder(jobId).catch((e: unknown) => setError(toErrorInfo(e)))
            }
          >
            Open folder
          </button>
        ) : (
          <button onClick={() => startDownload(jobId)}>Download as zip</button>
        )}
        <CopyCommand command={s.command} />
        <SaveProfile pond={pond} settings={settings} profile={profile} />
      </div>
      {error ? <ErrorView error={error} title="Cannot open the folder" /> : null}
    </div>
  );
}
