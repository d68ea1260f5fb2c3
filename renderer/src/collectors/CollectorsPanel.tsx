import { useEffect, useRef, useState } from 'react';
import type { JobInfo } from '../../../shared/api';
import type { CollectorInfo, RunRecord } from '../../../shared/collectors';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { formatBytes } from '../common/format';
import { useApp, useClient } from '../state/app-store';

/** Log lines kept for a run shown live (the record keeps the last 200). */
const LIVE_LINES = 500;

/**
 * The pond's collectors (executable factory nodes: hydrovu, logfile-ingest): each one's last
 * run, by the app or by `pond run` from cron (time, result, what it added), and Run now, which
 * runs as a job with its progress, its log as it goes, and Cancel.
 */
export function CollectorsPanel({ pond }: { pond: string }) {
  const client = useClient();
  const jobs = useApp((s) => s.jobs);
  const [collectors, setCollectors] = useState<CollectorInfo[]>();
  const [error, setError] = useState<ErrorInfo>();
  /** collector path -> the run job started for it. */
  const [jobOf, setJobOf] = useState<Record<string, string>>({});

  const reload = () =>
    client.collectors(pond).then(
      (list) => {
        setCollectors(list);
        setError(undefined);
      },
      (e: unknown) => setError(toErrorInfo(e)),
    );
  useEffect(() => {
    void reload();
  }, [pond]);

  // A run of ours ended: its record (and what it added) is the collector's last run now.
  const ended = Object.values(jobs)
    .filter((j) => j.kind === 'run-collector' && j.state !== 'running')
    .map((j) => j.id)
    .join(',');
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void reload();
  }, [ended]);

  const run = (path: string, command: string): Promise<void> =>
    client.runCollector({ pond, path, command }).then(
      (job) => setJobOf((m) => ({ ...m, [path]: job.id })),
      (e: unknown) => setError(toErrorInfo(e)),
    );

  if (!collectors) {
    return error ? (
      <ErrorView error={error} title="Cannot read the collectors" />
    ) : (
      <p className="muted">Loading…</p>
    );
  }
  return (
    <div className="collectors-panel">
      {error ? <ErrorView error={error} title="Collectors" /> : null}
      <div className="collectors-head">
        <button onClick={() => void reload()}>Refresh</button>
        <span className="muted">Runs by pond run (cron) show after a refresh.</span>
      </div>
      {collectors.length === 0 ? (
        <p className="muted">
          This pond has no collectors. Make one with{' '}
          <code>pond mknod hydrovu /system/etc/20-hydrovu --config-path hydrovu.yaml</code> or{' '}
          <code>pond mknod logfile-ingest …</code>, then run it with <code>pond run</code> or here.
        </p>
      ) : (
        collectors.map((c) => (
          <Collector
            key={c.path}
            collector={c}
            job={jobOf[c.path] ? jobs[jobOf[c.path]!] : undefined}
            onRun={(command) => run(c.path, command)}
          />
        ))
      )}
    </div>
  );
}

function Collector({
  collector: c,
  job,
  onRun,
}: {
  collector: CollectorInfo;
  job: JobInfo | undefined;
  onRun(command: string): Promise<void>;
}) {
  const client = useClient();
  // From the click until the server names the job: a second click would start a second run.
  const [starting, setStarting] = useState(false);
  const runnable = c.commands.filter((x) => x.writes);
  const [command, setCommand] = useState(runnable[0]?.name ?? '');
  const [error, setError] = useState<ErrorInfo>();
  const live = useJobLog(job?.id);
  const running = job?.state === 'running';
  const last = c.lastRun;
  return (
    <section className="collector" data-collector={c.path} aria-label={`Collector ${c.path}`}>
      <header className="collector-head">
        <div>
          <strong className="mono">{c.path}</strong> <span className="muted">{c.factory}</span>
        </div>
        <div className="collector-actions">
          {runnable.length > 1 ? (
            <select
              aria-label="Command"
              value={command}
              disabled={running}
              onChange={(e) => setCommand(e.target.value)}
            >
              {runnable.map((x) => (
                <option key={x.name} value={x.name} title={x.summary}>
                  {x.name}
                </option>
              ))}
            </select>
          ) : null}
          {running && job ? (
            <button
              onClick={() =>
                client.cancelJob(job.id).catch((e: unknown) => setError(toErrorInfo(e)))
              }
            >
              Cancel
            </button>
          ) : (
            <button
              disabled={starting}
              onClick={() => {
                setStarting(true);
                void onRun(command).finally(() => setStarting(false));
              }}
              aria-label={`Run ${c.path} now`}
            >
              Run now
            </button>
          )}
        </div>
      </header>
      {error ? <ErrorView error={error} title="Cannot cancel" /> : null}
      {running && job ? (
        <div className="job" data-state="running">
          {job.progress.total ? (
            <progress max={job.progress.total} value={job.progress.done} />
          ) : (
            <progress aria-label="working" />
          )}
          <span>{job.progress.message}</span>
        </div>
      ) : null}
      {job && job.state === 'failed' && job.error && last?.state !== 'failed' ? (
        <ErrorView error={job.error} title="The run failed" />
      ) : null}
      {last && !running ? <LastRun run={last} /> : null}
      {!last && !running ? <p className="muted">Never run.</p> : null}
      {running ? (
        <RunLog lines={live} title="The run's log" open />
      ) : last && last.log.length > 0 ? (
        <RunLog lines={last.log} title="The last run's log" />
      ) : null}
      <details>
        <summary>Config</summary>
        <pre className="yaml">{c.config}</pre>
      </details>
    </section>
  );
}

function LastRun({ run: r }: { run: RunRecord }) {
  const state = r.state === 'running' && r.interrupted ? 'interrupted' : r.state;
  return (
    <div className="last-run" role="status">
      <div>
        <span className="run-state" data-state={state}>
          {STATE_TEXT[state] ?? state}
        </span>{' '}
        <span className="muted">
          {r.command}
          {r.args.length > 0 ? ` ${r.args.join(' ')}` : ''} · started {r.started}
          {r.ended ? ` · ended ${r.ended}` : ''}
          {r.txn !== undefined ? ` · transaction ${r.txn}` : ''}
          {r.host ? ` · pid ${r.pid}@${r.host}` : ''}
        </span>
      </div>
      {/* A failed run's summary is its error, shown whole below. */}
      {r.error && r.state !== 'cancelled' && r.summary === r.error.message ? null : (
        <div className="run-summary">{r.summary}</div>
      )}
      {r.added.length > 0 ? (
        <ul className="run-added" aria-label="Added">
          {r.added.map((a) => (
            <li key={a.path}>
              <span className="mono">{a.path}</span> v{a.version}
              {a.rows !== undefined ? ` +${a.rows} rows` : ''}
              {a.bytes !== undefined ? ` +${formatBytes(a.bytes)}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {r.failures.length > 0 ? (
        <ul className="run-failures" aria-label="Failed">
          {r.failures.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
      {r.error && r.state !== 'cancelled' ? <ErrorView error={r.error} title="Failed" /> : null}
    </div>
  );
}

const STATE_TEXT: Record<string, string> = {
  added: 'added',
  'nothing-new': 'nothing new',
  partial: 'partly failed',
  failed: 'failed',
  cancelled: 'cancelled',
  running: 'running',
  interrupted: 'interrupted (its process ended)',
};

function RunLog({ lines, title, open }: { lines: string[]; title: string; open?: boolean }) {
  return (
    <details className="run-log" open={open}>
      <summary>
        {title} ({lines.length} {lines.length === 1 ? 'line' : 'lines'})
      </summary>
      <pre aria-label={title}>{lines.join('\n')}</pre>
    </details>
  );
}

/** Every progress message of a job (each line of a run's log), as its events arrive. */
function useJobLog(jobId: string | undefined): string[] {
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => {
    setLines([]);
    if (!jobId) return;
    let last: string | undefined;
    const take = (job: JobInfo | undefined) => {
      if (!job || job.progress.message === last) return;
      last = job.progress.message;
      const line = job.progress.message;
      setLines((l) => [...l, line].slice(-LIVE_LINES));
    };
    take(useApp.getState().jobs[jobId]);
    return useApp.subscribe((s) => take(s.jobs[jobId]));
  }, [jobId]);
  return lines;
}
