import type { JobProgress } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * What a long operation (an import, an export, a push or a mirror) reports to and hears from
 * whoever runs it: its cancel signal and a progress sink. Defined here, below every layer that runs
 * long work, so none of them imports the service (DESIGN §2); the service's job runner and the CLI
 * make one with `newJob`.
 */
export interface Job {
  readonly signal: AbortSignal;
  /** Reports progress; throws PondError(CANCELLED) once the job was cancelled. */
  progress(p: JobProgress): void;
  /** Registers work to interrupt on cancel (a running DuckDB query). */
  onCancel(fn: () => void): void;
  /** Throws PondError(CANCELLED) if the job was cancelled. */
  checkCancelled(): void;
}

/**
 * A job named `kind` (for its cancel message: "push was cancelled"), cancelled by `signal`, whose
 * progress goes to `report` (a terminal line, the app's job list; nowhere when absent).
 */
export function newJob(kind: string, signal: AbortSignal, report?: (p: JobProgress) => void): Job {
  const checkCancelled = () => {
    if (signal.aborted) throw new PondError(ErrorCode.Cancelled, `${kind} was cancelled`);
  };
  return {
    signal,
    progress(p) {
      checkCancelled();
      report?.(p);
    },
    onCancel(fn) {
      if (signal.aborted) fn();
      else signal.addEventListener('abort', fn, { once: true });
    },
    checkCancelled,
  };
}
