import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PondError } from '../../../shared/errors.js';
import { copyIn, type CopyInOptions } from '../copy-in.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * A dialect choice that cannot read the file is refused for what it is, naming the choice, not
 * for what reading the file with it would look like (no rows, no timestamp column).
 */
describe('refused dialect choices', () => {
  let s: Sandbox;
  let n = 0;
  const text = 'timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n';
  beforeAll(async () => {
    s = await sandbox('import-dialect-');
  });
  afterAll(async () => s.close());

  async function refusal(content: string | Buffer, o: CopyInOptions): Promise<string> {
    const f = await s.file(`d${++n}.csv`, content);
    const before = await s.state();
    const e = await copyIn(
      s.pond,
      [`host+csv+series://${f}`],
      `/d${n}.series`,
      {
        command: ['t'],
      },
      o,
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, 'imported').toBeInstanceOf(PondError);
    expect(await s.state()).toBe(before);
    return (e as PondError).message;
  }

  it('UTF-16 big-endian, with or without its byte order mark, is named with what to do', async () => {
    const be = Buffer.from(text, 'utf16le').swap16();
    for (const bytes of [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), be]) {
      const m = await refusal(bytes, { encoding: 'utf-16' });
      expect(m).toMatch(
        /is UTF-16 big-endian \(.*\), and --encoding utf-16 reads little-endian only/,
      );
      expect(m).toContain('iconv -f UTF-16BE -t UTF-8');
      expect(m).not.toMatch(/no rows/);
    }
    // Little-endian, with and without its mark, reads.
    for (const bytes of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      Buffer.from(text, 'utf16le'),
    ]) {
      const f = await s.file(`le${++n}.csv`, bytes);
      const r = await copyIn(
        s.pond,
        [`host+csv+series://${f}`],
        `/le${n}.series`,
        {
          command: ['t'],
        },
        { encoding: 'utf-16' },
      );
      expect(r.files[0]!.rows).toBe(2);
    }
  });

  it('a delimiter the header line does not hold is refused by name', async () => {
    for (const delimiter of [',,,,', ';']) {
      const m = await refusal(text, { delimiter });
      expect(m).toContain(
        `the delimiter ${JSON.stringify(delimiter)} is not in line 1 ("timestamp,v"), so every row would be one column; if "," separates its columns, give --delimiter ","`,
      );
      expect(m).not.toMatch(/timestamp column/);
    }
  });
});
