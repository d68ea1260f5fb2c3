import type { QueryTag } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';

/** One running preview, chart or details call: its signal aborts (reason: a PondError) to stop it. */
interface Run {
  controller: AbortController;
  tag: QueryTag | undefined;
  /** What the call asks for (node, SQL, sort, window...), to tell a newer spec from a sibling. */
  key: string;
}

/**
 * The app's running queries (preview pages and counts, charts, a derived series' time range) and
 * what stops them: an explicit `cancel(id)`, a call with another spec in the same slot (a newer
 * query for the same panel), the caller going away (the transport's signal: HTTP request
 * closed), the time limit, or the service closing. Each reason reaches the caller as the
 * PondError the run's signal aborts with; the query engine turns the abort into DuckDB's
 * interrupt.
 */
export class QueryRuns {
  private readonly running = new Set<Run>();
  private readonly byId = new Map<string, Run>();
  private readonly bySlot = new Map<string, Set<Run>>();

  /**
   * @param limitMs the time limit of one call (undefined: none)
   * @param limitHint how the limit is changed, for the message when it hits
   */
  constructor(
    private readonly limitMs: number | undefined,
    private readonly limitHint: string,
  ) {}

  /**
   * Runs `fn` as a tracked query: `fn` gets the signal to hand to the query engine. Whatever
   * stops the run, the call fails with the reason (CANCELLED or TIMEOUT), never with the error
   * the interrupted query happened to raise.
   */
  async track<T>(
    key: string,
    tag: QueryTag | undefined,
    caller: AbortSignal | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const run: Run = { controller: new AbortController(), tag, key };
    const { signal } = run.controller;
    const stop = (reason: PondError) => {
      if (!signal.aborted) run.controller.abort(reason);
    };
    this.supersede(run);
    this.add(run);
    const onCallerGone = () =>
      stop(new PondError(ErrorCode.Cancelled, 'the query was cancelled: its client went away'));
    if (caller?.aborted) onCallerGone();
    caller?.addEventListener('abort', onCallerGone, { once: true });
    const timer =
      this.limitMs === undefined
        ? undefined
        : setTimeout(
            () =>
              stop(
                new PondError(
                  ErrorCode.Timeout,
                  `the query was stopped after ${seconds(this.limitMs!)}, the time limit for a query (${this.limitHint})`,
                ),
              ),
            this.limitMs,
          );
    try {
      const value = await fn(signal);
      signal.throwIfAborted();
      return value;
    } catch (e) {
      signal.throwIfAborted();
      throw e;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerGone);
      this.remove(run);
    }
  }

  /** Stops the run tagged `id`; an id that is not running is ignored (it may just have ended). */
  cancel(id: string): void {
    this.byId
      .get(id)
      ?.controller.abort(new PondError(ErrorCode.Cancelled, 'the query was cancelled'));
  }

  /** Stops every run (the service closes). */
  cancelAll(why: string): void {
    for (const r of this.running) {
      if (!r.controller.signal.aborted)
        r.controller.abort(new PondError(ErrorCode.Cancelled, `the query was cancelled: ${why}`));
    }
  }

  /** A run in a slot stops the runs there that ask for something else, and a reused id. */
  private supersede(run: Run): void {
    if (!run.tag) return;
    const reused = this.byId.get(run.tag.id);
    const stale = [...(this.bySlot.get(run.tag.slot) ?? [])].filter((r) => r.key !== run.key);
    for (const r of reused ? [reused, ...stale] : stale) {
      if (!r.controller.signal.aborted) {
        r.controller.abort(
          new PondError(ErrorCode.Cancelled, 'the query was superseded by a newer one'),
        );
      }
    }
  }

  private add(run: Run): void {
    this.running.add(run);
    if (!run.tag) return;
    this.byId.set(run.tag.id, run);
    let slot = this.bySlot.get(run.tag.slot);
    if (!slot) this.bySlot.set(run.tag.slot, (slot = new Set()));
    slot.add(run);
  }

  private remove(run: Run): void {
    this.running.delete(run);
    if (!run.tag) return;
    if (this.byId.get(run.tag.id) === run) this.byId.delete(run.tag.id);
    const slot = this.bySlot.get(run.tag.slot);
    slot?.delete(run);
    if (slot?.size === 0) this.bySlot.delete(run.tag.slot);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
