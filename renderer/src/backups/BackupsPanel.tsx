import { useEffect, useRef, useState } from 'react';
import type { BackupInfo, JobInfo } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { formatBytes } from '../common/format';
import { JobProgress } from '../jobs/JobProgress';
import { useApp, useClient } from '../state/app-store';

/** What a finished push job returns (pond/service/backups.ts). */
interface PushResult {
  outcome: 'pushed' | 'up to date';
  from: number;
  to: number;
  counts?: {
    commits: number;
    checkpoints: number;
    dataFiles: number;
    blobs: number;
    bytes: number;
  };
}

/**
 * The pond's backups (pond backup add): each one's state as of its last push, and Push now, which
 * runs as a job with progress and Cancel. Automatic pushes after the app's commits show here too.
 */
export function BackupsPanel({ pond }: { pond: string }) {
  const client = useClient();
  const jobs = useApp((s) => s.jobs);
  const [backups, setBackups] = useState<BackupInfo[]>();
  const [error, setError] = useState<ErrorInfo>();
  /** backup name -> the push job started or seen for it. */
  const [jobOf, setJobOf] = useState<Record<string, string>>({});

  const reload = () =>
    client.backups(pond).then(
      (list) => {
        setBackups(list);
        setError(undefined);
        setJobOf((m) => {
          const next = { ...m };
          for (const b of list) if (b.jobId) next[b.name] = b.jobId;
          return next;
        });
      },
      (e: unknown) => setError(toErrorInfo(e)),
    );
  useEffect(() => {
    void reload();
  }, [pond]);

  // Reload when a push job ends (ours, or an automatic one after a commit).
  const ended = Object.values(jobs)
    .filter((j) => j.kind === 'push' && j.state !== 'running')
    .map((j) => j.id)
    .join(',');
  const started = Object.values(jobs)
    .filter((j) => j.kind === 'push' && j.state === 'running')
    .map((j) => j.id)
    .join(',');
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void reload();
  }, [ended, started]);

  const pushNow = (name: string) =>
    client.pushBackup({ pond, backup: name }).then(
      (job) => setJobOf((m) => ({ ...m, [name]: job.id })),
      (e: unknown) => setError(toErrorInfo(e)),
    );

  if (!backups) {
    return error ? (
      <ErrorView error={error} title="Cannot read the backups" />
    ) : (
      <p className="muted">Loading…</p>
    );
  }
  return (
    <div className="backups-panel">
      {error ? <ErrorView error={error} title="Backups" /> : null}
      {backups.length === 0 ? (
        <p className="muted">
          This pond has no backups. Add one with <code>pond backup add NAME file:///path</code> or{' '}
          <code>pond backup add NAME s3://bucket/prefix</code>.
        </p>
      ) : (
        <table className="simple" aria-label="Backups">
          <thead>
            <tr>
              <th>Backup</th>
              <th>Where</th>
              <th>State</th>
              <th>Last push</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {backups.map((b) => (
              <BackupRow
                key={b.name}
                backup={b}
                job={jobOf[b.name] ? jobs[jobOf[b.name]!] : undefined}
                onPush={() => void pushNow(b.name)}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function BackupRow({
  backup: b,
  job,
  onPush,
}: {
  backup: BackupInfo;
  job: JobInfo | undefined;
  onPush(): void;
}) {
  const running = job?.state === 'running' || b.state === 'pushing';
  return (
    <tr data-backup={b.name}>
      <td>
        <strong>{b.name}</strong>
        {b.auto ? <div className="muted">after every commit</div> : null}
      </td>
      <td className="mono">
        {b.url}
        {b.endpoint ? <div className="muted">{b.endpoint}</div> : null}
      </td>
      <td className="backup-state" data-state={running ? 'pushing' : b.state}>
        {running ? 'pushing' : stateText(b)}
      </td>
      <td>
        {b.pushedAt ? (
          <>
            transaction {b.pushedTxn}
            <div className="muted">{b.pushedAt}</div>
          </>
        ) : (
          <span className="muted">never</span>
        )}
        {b.lastError && !running && job?.state !== 'failed' ? (
          <ErrorView
            error={{ code: 'REMOTE', message: b.lastError.message }}
            title={`Push failed at ${b.lastError.at}`}
          />
        ) : null}
      </td>
      <td className="backup-actions">
        {running && job ? (
          <div className="job" data-state="running">
            <JobProgress job={job} />
          </div>
        ) : (
          <button onClick={onPush} disabled={running} aria-label={`Push ${b.name} now`}>
            Push now
          </button>
        )}
        {job && job.state !== 'running' ? <JobOutcome job={job} /> : null}
      </td>
    </tr>
  );
}

function JobOutcome({ job }: { job: JobInfo }) {
  if (job.state === 'failed' && job.error)
    return <ErrorView error={job.error} title="Push failed" />;
  if (job.state === 'cancelled')
    return <div className="muted">Cancelled: the backup is as it was</div>;
  const r = job.result as PushResult | undefined;
  if (!r) return null;
  if (r.outcome === 'up to date')
    return (
      <div className="muted" role="status">
        Up to date at transaction {r.to}
      </div>
    );
  const c = r.counts!;
  const objects = c.commits + c.checkpoints + c.dataFiles + c.blobs;
  return (
    <div className="muted" role="status">
      Pushed transactions {r.from + 1}–{r.to}: {objects} objects, {formatBytes(c.bytes)}
    </div>
  );
}

function stateText(b: BackupInfo): string {
  if (b.state === 'behind') {
    const n = b.localTxn - (b.pushedTxn ?? 0);
    return `behind by ${n} transaction${n === 1 ? '' : 's'}`;
  }
  return b.state;
}
