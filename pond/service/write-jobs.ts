import type { JobInfo, WriteJobResult } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { TxnMeta, WriteResult } from '../tlogfs/pond.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import type { Job } from '../job/job.js';
import type { JobRunner } from './jobs.js';
import type { OpenPond } from './pond-registry.js';

/**
 * A write whose slow, fallible part (converting files) runs before its transaction: `prepare`
 * runs at once, beside other writes and outside the pond's write lock, and cleans up after
 * itself when it fails; `work` then runs in the transaction with what it made; `release` runs
 * whatever happens once `prepare` succeeded (committed: the transaction is in the pond).
 */
export interface PreparedWrite<P, T> {
  prepare(job: Job): Promise<P>;
  work(txn: PondTxn, job: Job, prepared: P): Promise<T>;
  release(prepared: P, committed: boolean): Promise<void>;
}

/** A write's place in its pond's queue: wait for the writes before it, then let the next go. */
interface Turn {
  previous: Promise<void> | undefined;
  release(): void;
}

/**
 * The app's writes (DESIGN §6): each runs in the process that owns the pond, as a job that is
 * one transaction, with progress and cancel, and the writes to one pond run one at a time in
 * the order they were asked for. A write by another process (the CLI, a cron job) is not
 * queued here: the pond's write lock and its commit protocol decide between them, as between
 * any two writers.
 *
 * A cancel before the commit leaves the pond as it was (the transaction is dropped); once the
 * work has returned, the commit goes ahead and the job ends `done`. The job carries the pond's
 * handle (JobInfo.pond), so the app reads the pond's latest transaction and history again when
 * it ends.
 */
export class WriteJobs {
  /** Per pond handle: the end of its queue of writes. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly runner: JobRunner) {}

  /**
   * Starts a write job. `command` is recorded with the transaction (e.g. ['app', 'export',
   * 'save-profile', '/etc/exports/portal.yaml']), or the whole transaction metadata (a revert
   * names the transaction it reverts); `work` makes the changes on the transaction.
   */
  start<T>(
    open: OpenPond,
    kind: string,
    command: string[] | TxnMeta,
    work: (txn: PondTxn, job: Job) => Promise<T>,
  ): JobInfo {
    return this.runner.start(
      kind,
      async (job): Promise<WriteJobResult<T>> => {
        const written = await this.write(open, job, command, (txn) => work(txn, job));
        return { txn: written.seq, value: written.result };
      },
      { pond: open.handle },
    );
  }

  /**
   * Starts a write job with a preparation phase (see PreparedWrite). Its place in the pond's
   * queue is taken now, so writes still commit in the order they were asked for.
   */
  startPrepared<P, T>(
    open: OpenPond,
    kind: string,
    command: string[] | TxnMeta,
    steps: PreparedWrite<P, T>,
  ): JobInfo {
    const turn = this.take(open);
    return this.runner.start(
      kind,
      async (job): Promise<WriteJobResult<T>> => {
        try {
          const prepared = await steps.prepare(job);
          let committed = false;
          try {
            const written = await this.commit(open, job, command, turn, (txn) =>
              steps.work(txn, job, prepared),
            );
            committed = true;
            return { txn: written.seq, value: written.result };
          } finally {
            await steps.release(prepared, committed);
          }
        } finally {
          turn.release();
        }
      },
      { pond: open.handle },
    );
  }

  /**
   * The transaction of a job that does other work first (a collector fetches before it writes):
   * queued behind the pond's other writes like a write job's, and dropped on cancel.
   */
  write<T>(
    open: OpenPond,
    job: Job,
    command: string[] | TxnMeta,
    work: (txn: PondTxn) => Promise<T>,
  ): Promise<WriteResult<T>> {
    return this.commit(open, job, command, this.take(open), work);
  }

  /** Takes the next place in the pond's queue of writes. */
  private take(open: OpenPond): Turn {
    const previous = this.tails.get(open.handle);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.tails.set(open.handle, tail);
    return {
      previous,
      release: () => {
        release();
        if (this.tails.get(open.handle) === tail) this.tails.delete(open.handle);
      },
    };
  }

  /** Waits for the turn, then writes; the turn is given up whatever happens. */
  private async commit<T>(
    open: OpenPond,
    job: Job,
    command: string[] | TxnMeta,
    turn: Turn,
    work: (txn: PondTxn) => Promise<T>,
  ): Promise<WriteResult<T>> {
    try {
      if (turn.previous) {
        job.progress({ done: 0, message: 'waiting for the previous write to this pond' });
        await untilDoneOrCancelled(turn.previous, job);
      }
      job.checkCancelled();
      const meta = Array.isArray(command) ? { command } : command;
      return await open.pond.write(meta, async (txn) => {
        const value = await work(txn);
        // The last moment a cancel drops the transaction.
        job.checkCancelled();
        return value;
      });
    } finally {
      turn.release();
    }
  }
}

function untilDoneOrCancelled(previous: Promise<void>, job: Job): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () =>
      reject(new PondError(ErrorCode.Cancelled, 'cancelled while waiting for an earlier write'));
    if (job.signal.aborted) return onAbort();
    job.signal.addEventListener('abort', onAbort, { once: true });
    void previous.then(() => {
      job.signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
