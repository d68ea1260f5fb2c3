import { useEffect, useRef, useState } from 'react';
import './export.css';
import type { ResultExportSummary, ResultFormat } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { formatBytes } from '../common/format';
import { JobProgress } from '../jobs/JobProgress';
import { useApp, useClient } from '../state/app-store';
import { startDownload } from './download';

const FORMATS: { value: ResultFormat; label: string }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'parquet', label: 'Parquet' },
  { value: 'jsonl', label: 'JSON lines' },
];

export interface ResultSpec {
  pond: string;
  path: string;
  sql?: string;
  sort: { column: string; descending: boolean }[];
  asOf?: number;
}

/**
 * "Export this result": the whole result behind the grid (its node, SQL and sort), not the
 * pages it loaded, written by the engine as a job with progress and Cancel; downloaded by the
 * browser (streamed from pond serve) or saved where the desktop app's save dialog said.
 */
export function ExportResultButton({ spec }: { spec: ResultSpec }) {
  const client = useClient();
  const app = useApp((s) => s.app);
  const [format, setFormat] = useState<ResultFormat>('csv');
  const [jobId, setJobId] = useState<string>();
  const job = useApp((s) => (jobId ? s.jobs[jobId] : undefined));
  const [error, setError] = useState<ErrorInfo>();
  const downloaded = useRef<string>(undefined);

  // Under pond serve the finished file is fetched once, by the browser's own download.
  useEffect(() => {
    if (app?.mode !== 'electron' && job?.state === 'done' && downloaded.current !== job.id) {
      downloaded.current = job.id;
      startDownload(job.id);
    }
  }, [app?.mode, job?.state, job?.id]);

  const start = async () => {
    setError(undefined);
    try {
      const started = await client.exportResult({
        pond: spec.pond,
        path: spec.path,
        format,
        ...(spec.sql ? { sql: spec.sql } : {}),
        ...(spec.sort.length ? { sort: spec.sort } : {}),
        ...(spec.asOf === undefined ? {} : { asOf: spec.asOf }),
      });
      if (!started) return; // the save dialog was cancelled
      useApp.getState().jobChanged(started);
      setJobId(started.id);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };

  const summary = job?.state === 'done' ? (job.result as ResultExportSummary) : undefined;
  return (
    <span className="export-result">
      <select
        aria-label="Result format"
        value={format}
        onChange={(e) => setFormat(e.target.value as ResultFormat)}
      >
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <button
        disabled={job?.state === 'running'}
        onClick={() => void start()}
        title="Export the whole result (every row, with this SQL and sort)"
      >
        Export result…
      </button>
      {job?.state === 'running' ? (
        <span role="status" data-testid="result-progress">
          <JobProgress job={job} label="Export progress" />
        </span>
      ) : null}
      {summary ? (
        <span role="status" data-testid="result-done">
          {summary.rows.toLocaleString('en-US')} rows, {formatBytes(summary.bytes)}
          {summary.savedTo ? ` saved to ${summary.savedTo}` : ` downloaded as ${summary.fileName}`}
        </span>
      ) : null}
      {job && job.state !== 'running' && job.state !== 'done' && job.error ? (
        <ErrorView error={job.error} title={`Export ${job.state}`} />
      ) : null}
      {error ? <ErrorView error={error} title="Cannot export the result" /> : null}
    </span>
  );
}
