import { randomUUID } from 'node:crypto';
import { ErrorCode, PondError, toErrorInfo } from '../../shared/errors.js';
import type { JobInfo } from '../../shared/api.js';
import { newJob, type Job } from '../job/job.js';

type Listener = (job: JobInfo) => void;

interface Running {
  info: JobInfo;
  controller: AbortController;
  done: Promise<JobInfo>;
  /** The open pond (handle) the job works on, if any. */
  pond: string | undefined;
}

/**
 * Long operations (export, import) run as jobs: they report progress as they go and can be
 * cancelled. The CLI waits for a job and prints its progress; the app lists jobs and gets their
 * events pushed.
 */
export class JobRunner {
  private readonly jobs = new Map<string, Running>();
  private readonly listeners = new Set<Listener>();

  /**
   * `pond`: the handle of the open pond a write job commits to (see JobInfo.pond); `uses`: the
   * open pond a job only reads (an export). Either way the job is stopped before that pond closes.
   */
  start<T>(
    kind: string,
    run: (job: Job) => Promise<T>,
    options: { pond?: string; uses?: string } = {},
  ): JobInfo {
    const id = randomUUID();
    const controller = new AbortController();
    const info: JobInfo = {
      id,
      kind,
      state: 'running',
      progress: { done: 0, message: 'starting' },
      ...(options.pond === undefined ? {} : { pond: options.pond }),
    };
    // The job the lower layers see (pond/job): its progress is this job's, shown to listeners.
    const ctx = newJob(kind, controller.signal, (p) => {
      info.progress = p;
      this.emit(info);
    });
    const done = (async () => {
      try {
        info.result = await run(ctx);
        info.state = 'done';
      } catch (e) {
        info.state = controller.signal.aborted ? 'cancelled' : 'failed';
        const why = controller.signal.reason;
        info.error = toErrorInfo(
          controller.signal.aborted
            ? new PondError(
                ErrorCode.Cancelled,
                `${kind} was cancelled${typeof why === 'string' ? `: ${why}` : ''}`,
                { cause: e },
              )
            : e,
        );
      }
      this.emit(info);
      return info;
    })();
    this.jobs.set(id, { info, controller, done, pond: options.pond ?? options.uses });
    this.emit(info);
    return { ...info };
  }

  /** Resolves when the job ends (in any state). */
  async wait(id: string): Promise<JobInfo> {
    return { ...(await this.running(id).done) };
  }

  get(id: string): JobInfo {
    return { ...this.running(id).info };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  cancel(id: string): void {
    const j = this.running(id);
    if (j.info.state === 'running') j.controller.abort();
  }

  /** Cancels every running job and resolves when all have ended (the service closes). */
  async stopAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.info.state === 'running');
    for (const j of running) j.controller.abort();
    await Promise.all(running.map((j) => j.done));
  }

  /**
   * Cancels the running jobs that work on an open pond, and resolves when they have ended: the
   * pond is closing, and a job must not lose its DuckDB session halfway (a write's transaction
   * is dropped, as on any cancel).
   */
  async stopPond(handle: string): Promise<void> {
    const running = [...this.jobs.values()].filter(
      (j) => j.pond === handle && j.info.state === 'running',
    );
    for (const j of running) j.controller.abort('its pond was closed');
    await Promise.all(running.map((j) => j.done));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private running(id: string): Running {
    const j = this.jobs.get(id);
    if (!j) throw new PondError(ErrorCode.NotFound, `no job ${id}`, { input: id });
    return j;
  }

  private emit(info: JobInfo): void {
    const copy = { ...info, progress: { ...info.progress } };
    for (const l of this.listeners) l(copy);
  }
}
