/** Helpers shared by the benchmarks: medians, timing, and child processes with peak RSS. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
}

export const ms = (x: number): string => `${x.toFixed(2)} ms`;

export const ratio = (ours: number, theirs: number): string => `${(ours / theirs).toFixed(2)}x`;

export interface ChildResult {
  /** Wall time of the measured work inside the child, ms. */
  ms: number;
  /** Peak resident set size of the whole child process, KiB. */
  maxRssKb: number;
}

/**
 * Runs one task of bench/child-tasks.ts in a fresh Node process, so each measurement has its
 * own peak RSS and no warm caches from the others.
 */
export function runChild(task: string, args: Record<string, unknown>): Promise<ChildResult> {
  const script = fileURLToPath(new URL('./child-tasks.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, task, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench task ${task} exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

export interface ProcessResult extends ChildResult {
  stdout: string;
  /** CPU time (user + system, every thread) of the child, when it printed it (process-usage.ts). */
  cpuMs?: number;
  stderr: string;
}

/**
 * Runs a script of bench/ as a whole process and times it from spawn to exit (Node's start and
 * module loading included). The script prints its peak RSS (and maybe its CPU time) as the last
 * line of its output (process-usage.ts). Its stderr is kept, and passed on once it ends but for
 * `timings:` lines (POND_TIMINGS in `env`), which the benchmark prints its own way.
 */
export function runProcess(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ProcessResult> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const passed = err.split('\n').filter((l) => l !== '' && !l.startsWith('timings: '));
      if (passed.length > 0) process.stderr.write(passed.join('\n') + '\n');
      if (code !== 0)
        return reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${out}`));
      const lines = out.trim().split('\n');
      const last = JSON.parse(lines.pop()!) as { maxRssKb: number; cpuMs?: number };
      resolve({ ...last, ms, stdout: lines.join('\n'), stderr: err });
    });
  });
}
