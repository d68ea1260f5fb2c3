/**
 * How busy a process keeps the cores, read from outside (/proc/<pid>/stat, Linux): the tests of
 * `pond serve` (vitest and the browser tests) use it to see that a stopped query really stopped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Busy: a query holds a share of a core (DuckDB takes every core it gets, ~1-2 here; the bar is
 * low because the machine may be shared with many busy processes). Idle: a server waiting for
 * requests (0 in practice; 0.03 of a core is 4 clock ticks in 1.5 s).
 */
export const BUSY = 0.08;
export const IDLE = 0.03;

/**
 * Idle after a stop, measured against the same query's busy level in the same run: a query still
 * running keeps about its busy share, a stopped one leaves a fifth of it or less (a stray GC or
 * watcher tick on a fast machine is then not taken for a running query).
 */
export function idleLimit(busy: number): number {
  return Math.max(IDLE, busy / 5);
}

let ticksPerSecond: number | undefined;

/** CPU time (user + system, all threads) the process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / ticksPerSecond;
}

/** The cores the process kept busy on average over the next `ms` milliseconds. */
export async function coresBusy(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (cpuSeconds(pid) - before) / ((performance.now() - t0) / 1000);
}
