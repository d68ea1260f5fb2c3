/**
 * The last line a process of bench/ prints, read by runProcess (measure.ts): its peak RSS and
 * the CPU time (user + system, all threads: DuckDB's too) it used. Its own module, so a measured
 * process loads nothing else of the bench.
 */
export function processUsage(): string {
  const r = process.resourceUsage();
  return JSON.stringify({ maxRssKb: r.maxRSS, cpuMs: (r.userCPUTime + r.systemCPUTime) / 1000 });
}
