import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PondError } from '../../../shared/errors.js';
import { resolveSource } from '../../query/source.js';
import { copyIn, type CopyInOptions } from '../copy-in.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * gzip- and zstd-compressed CSV is read strictly like plain CSV, on every Node the README names
 * (Node's zlib reads zstd only from 22.15: the head of a zstd file comes from DuckDB): the header
 * is checked, bad rows and bad bytes are refused with their lines, and good files import exactly.
 */
/**
 * A valid zstd frame holding `bytes` in raw (stored) blocks: the format's own way to carry data
 * uncompressed, which every zstd reader (DuckDB's too) must read. Frame header: no checksum, a
 * 128 KiB window (so blocks of up to 128 KiB); each block header is 3 bytes, little-endian:
 * last-block bit, type 0 (raw), size.
 */
function zstdFrame(bytes: Buffer): Buffer {
  const BLOCK = 128 * 1024;
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
  for (let at = 0; at === 0 || at < bytes.length; at += BLOCK) {
    const chunk = bytes.subarray(at, at + BLOCK);
    const last = at + BLOCK >= bytes.length ? 1 : 0;
    const header = last | (chunk.length << 3);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), chunk);
  }
  return Buffer.concat(parts);
}

describe('compressed CSV', () => {
  let s: Sandbox;
  const ROWS = 50_000;
  let lines: string[];

  /** Writes `text` compressed: gzip by Node's zlib, zstd by zstdFrame (Node 20 has no zstd). */
  async function compressed(name: string, text: string | Buffer, how: 'gzip' | 'zstd') {
    const bytes = Buffer.from(text);
    return s.file(name, how === 'gzip' ? gzipSync(bytes) : zstdFrame(bytes));
  }

  async function refused(source: string, options: CopyInOptions, ...patterns: RegExp[]) {
    const before = await s.state();
    const e = await copyIn(s.pond, [source], '/refused.series', { command: ['t'] }, options).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, `${source} was imported`).toBeInstanceOf(PondError);
    for (const re of patterns) expect((e as PondError).message).toMatch(re);
    expect(await s.state()).toBe(before);
  }

  beforeAll(async () => {
    s = await sandbox('import-compressed-');
    lines = ['timestamp,v'];
    for (let i = 0; i < ROWS; i++)
      lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${i % 97}`);
  });
  afterAll(async () => s.close());

  for (const how of ['gzip', 'zstd'] as const) {
    const ext = how === 'gzip' ? 'gz' : 'zst';

    it(`${how}: a good file imports every row, and reads in place`, async () => {
      const f = await compressed(`good.csv.${ext}`, lines.join('\n') + '\n', how);
      const r = await copyIn(s.pond, [`host+csv+${how}+series://${f}`], `/good-${how}.series`, {
        command: ['t'],
      });
      expect(r.files[0]!.rows).toBe(ROWS);
      const [got] = await s.pond.read(async (txn) => {
        const src = await resolveSource(`/good-${how}.series`, {
          session: s.pond.session,
          txn,
          cacheDir: s.pond.layout.cache,
        });
        if (src.kind !== 'relation') throw new Error('not a relation');
        return s.pond.session.all(
          `SELECT count(*)::DOUBLE AS n, sum(v)::DOUBLE AS v FROM (${src.relation})`,
        );
      });
      const sum = Array.from({ length: ROWS }, (_, i) => i % 97).reduce((a, b) => a + b, 0);
      expect(got).toEqual({ n: ROWS, v: sum });
      const inPlace = await resolveSource(`host+csv+${how}://${f}`, { session: s.pond.session });
      if (inPlace.kind !== 'relation') throw new Error('not a relation');
      expect(
        await s.pond.session.all(`SELECT count(*)::DOUBLE AS n FROM (${inPlace.relation})`),
      ).toEqual([{ n: ROWS }]);
    });

    it(`${how}: a ragged row deep in the file is refused with its line`, async () => {
      const bad = [...lines];
      bad[40_000 - 1] = '2024-03-01T00:00:00Z,1,extra';
      const f = await compressed(`ragged.csv.${ext}`, bad.join('\n') + '\n', how);
      await refused(`host+csv+${how}+series://${f}`, {}, /line 40000: too many columns/);
    });

    it(`${how}: the header is checked against the sniff, and bytes that are not UTF-8 are refused`, async () => {
      const mixed = await compressed(`mixed.csv.${ext}`, 'a;b;c\n1,2,3\n4,5,6\n', how);
      await refused(`host+csv+${how}+table://${mixed}`, {}, /line 1|line 2/);
      const latin1 = Buffer.from(
        'timestamp,site\n2024-01-01T00:00:00Z,ok\n\n2024-01-01T01:00:00Z,caf\xe9\n',
        'latin1',
      );
      const f = await compressed(`latin1.csv.${ext}`, latin1, how);
      await refused(
        `host+csv+${how}+series://${f}`,
        {},
        /line 4: invalid encoding/,
        /--encoding latin-1/,
      );
      const r = await copyIn(
        s.pond,
        [`host+csv+${how}+series://${f}`],
        `/latin1-${how}.series`,
        { command: ['t'] },
        { encoding: 'latin-1' },
      );
      expect(r.files[0]!.rows).toBe(2);
    });

    it(`${how}: a compressed file named without its compression is refused, not read as text`, async () => {
      const f = await compressed(`unnamed.csv.${ext}`, lines.slice(0, 10).join('\n') + '\n', how);
      await refused(
        `host+csv+series://${f}`,
        {},
        new RegExp(`is ${how}-compressed: name the compression in the URL`),
      );
    });
  }
});
