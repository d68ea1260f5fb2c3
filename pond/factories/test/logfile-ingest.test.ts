import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { movePaths } from '../../tinyfs/move.js';
import type { Pond } from '../../tlogfs/pond.js';
import { mknod, newPond, run, stagedFiles, testJob } from './run-helpers.js';

/**
 * logfile-ingest with real host files in a temp folder: a log that grows, rotates (with and
 * without bytes the pond missed, to a smaller or larger new file), is truncated, or is
 * rewritten. What the pond holds is compared byte for byte with the host files.
 */
const NODE = '/system/run/10-logs';

function lines(from: number, to: number, tag = 'entry'): string {
  let s = '';
  for (let i = from; i < to; i++)
    s += `{"ts":"2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z","level":"INFO","msg":"${tag} ${i}"}\n`;
  return s;
}

describe('logfile-ingest', () => {
  let pond: Pond;
  let dir: string;
  let done: () => Promise<void>;
  let logs: string;

  const pondBytes = (name: string) =>
    pond.read(async (txn) =>
      Buffer.from(await (await (await txn.wd()).getFile(`/logs/app/${name}`)).read()),
    );
  const versions = (name: string) =>
    pond.read(async (txn) => (await (await txn.wd()).getFile(`/logs/app/${name}`)).versions());

  beforeEach(async () => {
    ({ pond, dir, done } = await newPond('logfile-'));
    logs = join(dir, 'var-log');
    await mkdir(logs);
    await mknod(
      pond,
      'logfile-ingest',
      NODE,
      `archived_pattern: ${logs}/app.log.*\nactive_pattern: ${logs}/app.log\npond_path: /logs/app\n`,
    );
  });
  afterEach(async () => done());

  it('a growing file: each run stores only the new bytes; readers see the whole file', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 200));
    const first = await run(pond, NODE);
    expect(first.record.state).toBe('added');
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);

    const before = (await readFile(active)).length;
    await appendFile(active, lines(200, 260));
    const second = await run(pond, NODE);
    const after = (await readFile(active)).length;
    expect(second.record.added).toEqual([
      { path: '/logs/app/app.log', bytes: after - before, version: 2 },
    ]);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
    expect((await versions('app.log')).map((v) => [v.size, v.offset])).toEqual([
      [before, undefined],
      [after - before, before],
    ]);

    const seq = pond.lastSeq;
    const third = await run(pond, NODE);
    expect(third.record).toMatchObject({
      state: 'nothing-new',
      summary: 'nothing new; 1 unchanged',
    });
    expect(pond.lastSeq).toBe(seq);
    expect(await stagedFiles(pond)).toEqual([]);
  });

  it('a big log grows past the inline limit in parts', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 2000));
    await run(pond, NODE);
    for (let k = 0; k < 3; k++) {
      await appendFile(active, lines(2000 + k * 1500, 3500 + k * 1500));
      await run(pond, NODE);
    }
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
    expect(await versions('app.log')).toHaveLength(4);
  });

  it('rotation: the pond keeps the old file, completed, under its archived name', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 100));
    await run(pond, NODE);
    // More lines arrive, then logrotate renames the file and a new one starts.
    await appendFile(active, lines(100, 120));
    await rename(active, join(logs, 'app.log.1'));
    await writeFile(active, lines(0, 10, 'new'));
    const r = await run(pond, NODE);
    expect(r.record.summary).toMatch(/rotated app\.log -> app\.log\.1/);
    expect((await pondBytes('app.log.1')).equals(await readFile(join(logs, 'app.log.1')))).toBe(
      true,
    );
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
    // The pond's copy was renamed (its history kept), with the missed tail as a new part.
    expect((await versions('app.log.1')).map((v) => v.offset)).toEqual([
      undefined,
      Buffer.byteLength(lines(0, 100)),
    ]);
    // Later runs: the archive is unchanged, the new active file grows.
    await appendFile(active, lines(10, 30, 'new'));
    const again = await run(pond, NODE);
    expect(again.record.added.map((a) => a.path)).toEqual(['/logs/app/app.log']);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
  });

  it('rotation to a new file already larger than the old one is told apart from growth', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 50));
    await run(pond, NODE);
    await rename(active, join(logs, 'app.log.1'));
    await writeFile(active, lines(0, 400, 'other'));
    const r = await run(pond, NODE);
    expect(r.record.summary).toMatch(/rotated app\.log -> app\.log\.1/);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
    expect((await pondBytes('app.log.1')).equals(await readFile(join(logs, 'app.log.1')))).toBe(
      true,
    );
  });

  it('rotation seen before the new active file exists: the archive is kept, the active name starts over', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 80));
    await run(pond, NODE);
    await appendFile(active, lines(80, 90));
    await rename(active, join(logs, 'app.log.1'));
    const r = await run(pond, NODE);
    expect(r.record.summary).toMatch(/rotated app\.log -> app\.log\.1/);
    expect((await pondBytes('app.log.1')).equals(await readFile(join(logs, 'app.log.1')))).toBe(
      true,
    );
    // The pond's app.log was renamed: a new one comes with the next file.
    expect(
      await pond.read(async (txn) => (await (await txn.wd()).lookup('/logs/app/app.log')).found),
    ).toBe(false);
    await writeFile(active, lines(0, 5, 'fresh'));
    await run(pond, NODE);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
    const last = await run(pond, NODE);
    expect(last.record.state).toBe('nothing-new');
  });

  it('a file truncated and rewritten with no archive is an error, and the pond keeps what it had', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 200));
    await run(pond, NODE);
    const held = await pondBytes('app.log');
    await writeFile(active, lines(0, 300, 'completely different'));
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.BadInput)).toBe(true);
    expect((e as Error).message).toMatch(
      /app\.log was rewritten: bytes 0 to \d+ are not what \/logs\/app\/app\.log holds.*prefix verification failed/,
    );
    expect(pond.lastSeq).toBe(seq);
    expect((await pondBytes('app.log')).equals(held)).toBe(true);
    expect(await stagedFiles(pond)).toEqual([]);
  });

  it('a file truncated (shrunk) with no archive is an error', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 200));
    await run(pond, NODE);
    await writeFile(active, lines(0, 20)); // the same first lines, cut short
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/was rewritten/);
  });

  it('an active file deleted, with no archive that explains it, is an error naming it', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 50));
    await run(pond, NODE);
    await rm(active);
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.BadInput)).toBe(true);
    expect((e as Error).message).toBe(
      `active file ${active} is gone from the host (no such file) and no new file of archived_pattern ${logs}/app.log.* starts with the ${Buffer.byteLength(lines(0, 50))} bytes /logs/app/app.log holds; nothing was ingested (if it was removed on purpose, rename the pond's copy with pond mv)`,
    );
    expect(pond.lastSeq).toBe(seq);
    expect(await stagedFiles(pond)).toEqual([]);
    // The way out the message names: the pond's copy renamed, the next run goes on.
    await pond.write({ command: ['mv'] }, async (txn) =>
      movePaths(await txn.wd(), ['/logs/app/app.log'], '/logs/app/app.log.lost'),
    );
    expect((await run(pond, NODE)).record.state).toBe('nothing-new');
  });

  it('an active file renamed to a name no pattern matches is an error, even with other new archives', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 50));
    await run(pond, NODE);
    await rename(active, join(logs, 'elsewhere.log'));
    await writeFile(join(logs, 'app.log.7'), lines(0, 10, 'unrelated'));
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/active file .*app\.log is gone from the host/);
    expect(pond.lastSeq).toBe(seq);
  });

  it('an active file that became a directory is an error naming what is there', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 50));
    await run(pond, NODE);
    await rm(active);
    await mkdir(active);
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/active file .*app\.log is now a directory/);
    expect(pond.lastSeq).toBe(seq);
  });

  it('a file that shrinks and grows back to the same size with other bytes is refused', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 50));
    await run(pond, NODE);
    const held = await pondBytes('app.log');
    await truncate(active, 0);
    await writeFile(active, Buffer.from(held.toString('utf8').replace(/entry/g, 'ENTRY')));
    expect((await readFile(active)).length).toBe(held.length);
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/was rewritten: bytes 0 to/);
    expect((await pondBytes('app.log')).equals(held)).toBe(true);
  });

  it('a last line without its newline is stored once: its rest is appended by the next run', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 10) + '{"ts":"2024-01-01T00:00:10Z","le');
    await run(pond, NODE);
    await appendFile(active, 'vel":"INFO","msg":"entry 10"}\n' + lines(11, 20));
    await run(pond, NODE);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
    expect((await pondBytes('app.log')).toString('utf8')).toBe(lines(0, 20));
  });

  it('bytes that are not UTF-8 are mirrored as they are', async () => {
    const active = join(logs, 'app.log');
    const bytes = Buffer.concat([
      Buffer.from('caf'),
      Buffer.from([0xe9, 0xff, 0xfe, 0x00, 0x80]),
      Buffer.from('\n'),
    ]);
    await writeFile(active, bytes);
    await run(pond, NODE);
    await appendFile(active, Buffer.from([0xc3, 0x28, 0x0a]));
    await run(pond, NODE);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
  });

  it('a host file whose name is not UTF-8 is refused, naming its bytes, not skipped', async () => {
    await writeFile(join(logs, 'app.log'), lines(0, 5));
    writeFileSync(
      Buffer.concat([Buffer.from(`${logs}/app.log.`), Buffer.from([0xff, 0x31])]),
      'x\n',
    );
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.BadInput)).toBe(true);
    expect((e as Error).message).toMatch(
      /app\.log\.\uFFFD1: this host file's name is not UTF-8 \(bytes .*ff31\)/,
    );
    expect(pond.lastSeq).toBe(seq);
  });

  it('a rotated archive that was compressed (not the bytes the pond holds) does not explain a new active file', async () => {
    const { gzipSync } = await import('node:zlib');
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 60));
    await run(pond, NODE);
    await writeFile(join(logs, 'app.log.1'), gzipSync(await readFile(active)));
    await writeFile(active, lines(0, 5, 'new'));
    const seq = pond.lastSeq;
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/app\.log was rewritten/);
    expect(pond.lastSeq).toBe(seq);
  });

  it('a rotated archive cut shorter than what the pond holds does not explain it', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 60));
    await run(pond, NODE);
    await writeFile(join(logs, 'app.log.1'), lines(0, 30));
    await writeFile(active, lines(0, 5, 'new'));
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/app\.log was rewritten/);
  });

  it('a file replaced or cut short between the run looking at it and reading it is refused, nothing written', async () => {
    const active = join(logs, 'app.log');
    await writeFile(active, lines(0, 50));
    await run(pond, NODE);
    const held = await pondBytes('app.log');
    // The run's first log line comes after it took the sizes and before it reads: the file
    // changes there (a logrotate or a writer at the wrong moment).
    const changing = (change: () => void) => {
      const job = testJob();
      const log = job.log;
      let once = false;
      job.log = (line) => {
        if (!once) change();
        once = true;
        log(line);
      };
      return job;
    };
    const cases: [string, () => void][] = [
      // Another file under the name: the same first bytes, then others, shorter than the size seen.
      [
        'replaced',
        () => {
          writeFileSync(`${active}.new`, held.toString('utf8') + lines(0, 3, 'other'));
          renameSync(`${active}.new`, active);
        },
      ],
      // The same file cut short in place (copytruncate), then written again past what the pond holds.
      ['cut short', () => writeFileSync(active, held.toString('utf8') + lines(0, 2, 'again'))],
    ];
    for (const [what, change] of cases) {
      await writeFile(active, held.toString('utf8') + lines(50, 80));
      const seq = pond.lastSeq;
      const e = await run(pond, NODE, undefined, changing(change)).catch((x: unknown) => x);
      expect(isPondError(e, ErrorCode.Unavailable), what).toBe(true);
      expect((e as Error).message, what).toMatch(/app\.log changed while the run read it/);
      expect(pond.lastSeq, what).toBe(seq);
      expect((await pondBytes('app.log')).equals(held), what).toBe(true);
      expect(await stagedFiles(pond)).toEqual([]);
    }
    // The next run sees the file as it is.
    await run(pond, NODE);
    expect((await pondBytes('app.log')).equals(await readFile(active))).toBe(true);
  });

  it('an archived file that changed is an error', async () => {
    await writeFile(join(logs, 'app.log.1'), lines(0, 30));
    await writeFile(join(logs, 'app.log'), lines(30, 40));
    await run(pond, NODE);
    await appendFile(join(logs, 'app.log.1'), 'one more line\n');
    const e = await run(pond, NODE).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(
      /archived file .*app\.log\.1 changed since the pond copied it/,
    );
  });

  it('sha256sum prints the checksums of the mirrored files, as sha256sum --check reads them', async () => {
    await writeFile(join(logs, 'app.log.1'), lines(0, 30));
    await writeFile(join(logs, 'app.log'), lines(30, 40));
    await run(pond, NODE);
    await appendFile(join(logs, 'app.log'), lines(40, 45));
    await run(pond, NODE);
    const r = await run(pond, NODE, 'sha256sum');
    const sha = async (n: string) =>
      createHash('sha256')
        .update(await readFile(join(logs, n)))
        .digest('hex');
    expect(r.output).toBe(
      `${await sha('app.log')}  app.log\n${await sha('app.log.1')}  app.log.1\n`,
    );
  });
});
