/**
 * Power-loss durability, read from the system calls the real `pond` process makes (strace): the
 * page cache survives a kill -9 but not a power loss, so every file a commit names (the oplog's
 * Parquet files, blobs, the folders that hold them) must be fsynced before the commit file is
 * linked into `_delta_log`, and a checkpoint before it is renamed into place and named by
 * `_last_checkpoint`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POND_BIN, tempDir } from './run-pond.js';

/** strace runs here, and may trace a child (ptrace can be forbidden in a container). */
function straceProblem(): string | undefined {
  const r = spawnSync('strace', ['-f', '-o', '/dev/null', 'true']);
  if (r.error) return `strace is not installed (${r.error.message})`;
  if (r.status !== 0) return `strace cannot trace here: ${r.stderr.toString().trim()}`;
  return undefined;
}

const problem = straceProblem();
if (problem) console.log(`durability tests skipped: ${problem}`);

interface Call {
  name: string;
  /** The paths the call names: `-y` prints an fd's path after it, `<...>`. */
  paths: string[];
}

/** Runs `pond ARGS` under strace and returns its fsync/link/rename calls in order. */
async function traced(dir: string, pond: string, args: string[]): Promise<Call[]> {
  const out = join(dir, `trace-${Date.now()}.txt`);
  execFileSync(
    'strace',
    [
      '-f',
      '-y',
      '-qq',
      '-o',
      out,
      '-e',
      'trace=fsync,fdatasync,link,rename,renameat,renameat2',
      process.execPath,
      POND_BIN,
      '--pond',
      pond,
      ...args,
    ],
    { stdio: 'ignore' },
  );
  const calls: Call[] = [];
  for (const line of (await readFile(out, 'utf8')).split('\n')) {
    // A call split across threads is printed "unfinished" then "resumed": take the first part.
    const m = /^\d+\s+(\w+)\((.*)/.exec(line);
    if (!m || line.includes('resumed>')) continue;
    const paths = [...m[2]!.matchAll(/<([^>]+)>|"([^"]+)"/g)].map((p) => p[1] ?? p[2]!);
    calls.push({ name: m[1]!, paths });
  }
  return calls;
}

/** The index of the first fsync of `path`, or -1. */
function fsyncOf(calls: Call[], path: string): number {
  return calls.findIndex(
    (c) => (c.name === 'fsync' || c.name === 'fdatasync') && c.paths.includes(path),
  );
}

describe.skipIf(problem !== undefined)('durability before a commit', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  const data = () => join(t.pond, 'data');

  beforeAll(async () => {
    t = await tempDir('pond-durable-');
    execFileSync(process.execPath, [POND_BIN, '--pond', t.pond, 'init', '--birthplace', 'test']);
  });
  afterAll(async () => t.cleanup());

  it('a copy fsyncs its oplog file, its blob and their folders before it links the commit', async () => {
    // Over the inline limit (64 KiB), so the content is a blob.
    const big = join(t.dir, 'big.bin');
    await writeFile(big, Buffer.alloc(200_000, 7));
    const calls = await traced(t.dir, t.pond, ['copy', `host://${big}`, '/big.bin']);
    const commit = calls.findIndex(
      (c) => c.name === 'link' && c.paths.some((p) => /_delta_log\/0+2\.json$/.test(p)),
    );
    expect(commit, 'the commit is linked into _delta_log').toBeGreaterThan(0);

    const log = await readFile(join(data(), '_delta_log', '00000000000000000002.json'), 'utf8');
    const added = log
      .split('\n')
      .filter((l) => l.startsWith('{"add"'))
      .map((l) => join(data(), (JSON.parse(l) as { add: { path: string } }).add.path));
    expect(added.length).toBeGreaterThan(0);
    for (const file of added) {
      const at = fsyncOf(calls, file);
      expect(at, `${file} fsynced`).toBeGreaterThanOrEqual(0);
      expect(at, `${file} fsynced before the commit`).toBeLessThan(commit);
      const folder = fsyncOf(calls, join(file, '..'));
      expect(folder, `its folder fsynced before the commit`).toBeGreaterThanOrEqual(0);
      expect(folder).toBeLessThan(commit);
    }
    // The blob: its bytes before it is renamed to its name, its folder before the commit.
    const blobs = join(data(), '_large_files');
    const rename = calls.findIndex(
      (c) => c.name.startsWith('rename') && c.paths.some((p) => p.startsWith(`${blobs}/sha256=`)),
    );
    expect(rename, 'the blob is renamed into place').toBeGreaterThanOrEqual(0);
    const staged = calls[rename]!.paths[0]!;
    const bytes = fsyncOf(calls, staged);
    expect(bytes, 'the blob fsynced before its rename').toBeGreaterThanOrEqual(0);
    expect(bytes).toBeLessThan(rename);
    const folder = fsyncOf(calls, blobs);
    expect(folder).toBeGreaterThan(rename);
    expect(folder).toBeLessThan(commit);
  });

  it('maintain fsyncs a checkpoint before it names it', async () => {
    const calls = await traced(t.dir, t.pond, ['maintain']);
    const place = calls.findIndex(
      (c) => c.name.startsWith('rename') && c.paths.some((p) => p.endsWith('.checkpoint.parquet')),
    );
    expect(place, 'a checkpoint is renamed into place').toBeGreaterThanOrEqual(0);
    const bytes = fsyncOf(calls, calls[place]!.paths[0]!);
    expect(bytes, 'its bytes fsynced first').toBeGreaterThanOrEqual(0);
    expect(bytes).toBeLessThan(place);
    const hint = calls.findIndex(
      (c) => c.name.startsWith('rename') && c.paths.some((p) => p.endsWith('/_last_checkpoint')),
    );
    expect(hint, '_last_checkpoint is replaced').toBeGreaterThan(place);
    const folder = calls.findIndex(
      (c, i) => i > place && c.name === 'fsync' && c.paths.includes(join(data(), '_delta_log')),
    );
    expect(folder, 'the log folder fsynced after the checkpoint is named').toBeGreaterThan(place);
    expect(fsyncOf(calls, calls[hint]!.paths[0]!), 'the hint fsynced first').toBeLessThan(hint);
  });
});
