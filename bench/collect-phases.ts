/**
 * Where a `pond run NODE collect` spends its wall time, for bench/hydrovu-collect.ts: one more
 * (untimed) collect with `-v`, whose log lines are stamped here as they arrive (stderr to a pipe
 * is written synchronously, so a line's time is when the collector got there).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ms } from './measure.js';

interface Line {
  at: number;
  text: string;
}

/** Runs the collect and prints its phases. */
export async function collectPhases(pondDir: string, node: string): Promise<void> {
  const lines = await stampedRun(['--pond', pondDir, 'run', '-v', node, 'collect']);
  const at = (re: RegExp, from = 0): number => {
    const l = lines.slice(from).find((x) => re.test(x.text));
    if (!l)
      throw new Error(
        `no line ${re} in the collect's log:\n${lines.map((x) => x.text).join('\n')}`,
      );
    return l.at;
  };
  const lastAt = (re: RegExp): number => {
    const l = [...lines].reverse().find((x) => re.test(x.text));
    if (!l) throw new Error(`no line ${re} in the collect's log`);
    return l.at;
  };
  const token = at(/^got an access token/);
  const firstFetch = at(/^device \S+ \(\d+\): readings from/);
  const lastPage = lastAt(/^device \S+: page \d+:/);
  const converted = lastAt(/^device \S+: \d+ rows, \d+ columns/);
  const writing = at(/^writing \d+ /);
  const done = at(/ collect: .* rows from /);
  const exit = lines[lines.length - 1]!.at;
  // Each device's conversion: its last page to its rows line (beside the next device's fetch).
  const devices = [...new Set(lines.map((l) => /^device (\S+): page \d+:/.exec(l.text)?.[1]))];
  const conversions = devices
    .filter((d): d is string => d !== undefined)
    .map(
      (d) => at(new RegExp(`^device ${d}: \\d+ rows`)) - lastAt(new RegExp(`^device ${d}: page`)),
    );
  const row = (what: string, t: number) => console.log(`    ${ms(t).padStart(11)}  ${what}`);
  console.log(`  where a collect's wall time goes (one more run, with -v; ${ms(exit)} in all):`);
  row(
    'start to token: Node, the CLI and DuckDB loaded, the pond opened, the config read, the token',
    token,
  );
  row(
    'token to the first page request: names, where each device resumes, the conversion DuckDB',
    firstFetch - token,
  );
  row(
    `fetching every page (each device converted beside the next one's fetch: ${conversions.map((c) => c.toFixed(0)).join(', ')} ms)`,
    lastPage - firstFetch,
  );
  row("the last device's conversion, which nothing overlaps", converted - lastPage);
  row('to the transaction', writing - converted);
  row(
    'the transaction: schema checks, blobs, oplog, commit and its fsyncs, the run record',
    done - writing,
  );
  row('process exit', exit - done);
}

/** The pond command's stdout and stderr lines, each with its time since spawn (ms); last: exit. */
function stampedRun(args: string[]): Promise<Line[]> {
  const script = fileURLToPath(new URL('./cli-process.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Line[] = [];
    const collect = (stream: NodeJS.ReadableStream) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        const at = performance.now() - started;
        const parts = (rest + d).split('\n');
        rest = parts.pop()!;
        for (const text of parts) lines.push({ at, text });
      });
    };
    collect(child.stdout);
    collect(child.stderr);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pond ${args.join(' ')} exited ${code}`));
      lines.push({ at: performance.now() - started, text: '(exit)' });
      resolve(lines);
    });
  });
}
