import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PondError } from '../../../shared/errors.js';
import { copyIn } from '../copy-in.js';
import { sandbox, type Sandbox } from './sandbox.js';

/**
 * Old Mac files end their lines with a lone \r. They import like any other, and a rejected row
 * is named by the line an editor shows (\r, \n and \r\n each end one line), near the top of the
 * file (our own reader) and deep in it (DuckDB's reject positions mapped to lines).
 */
describe('lone \\r line endings', () => {
  let s: Sandbox;
  let n = 0;
  beforeAll(async () => {
    s = await sandbox('import-cr-');
  });
  afterAll(async () => s.close());

  async function refusal(text: string | Buffer, ...patterns: RegExp[]): Promise<void> {
    const f = await s.file(`cr${++n}.csv`, text);
    const e = await copyIn(s.pond, [`host+csv+table://${f}`], `/cr${n}.table`, {
      command: ['t'],
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, 'imported').toBeInstanceOf(PondError);
    for (const re of patterns) expect((e as PondError).message).toMatch(re);
  }

  const rows = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `${from + i},${(from + i) / 2}`);

  it('a good file imports every row', async () => {
    const f = await s.file('good.csv', ['id,v', ...rows(1, 1000)].join('\r') + '\r');
    const r = await copyIn(s.pond, [`host+csv+table://${f}`], '/good.table', { command: ['t'] });
    expect(r.files[0]!.rows).toBe(1000);
  });

  it('bad rows are named by their lines, near the top and deep in the file', async () => {
    const lines = ['id,v', ...rows(1, 3), '4,2,extra', ...rows(5, 1000)];
    const deep = ['id,v', ...rows(1, 300_000)];
    deep[250_000 - 1] = '250000,2,extra';
    await refusal(lines.join('\r') + '\r', /line 5: too many columns/);
    await refusal(deep.join('\r') + '\r', /line 250000: too many columns/);
  });

  it('a quoted field holding a \\r counts as the lines it spans', async () => {
    await refusal('id,note\r1,"two\rlines"\r2,ok\r3,bad,extra\r', /line 5: too many columns/);
  });

  it('bytes that are not UTF-8 are named by their line, near the top and deep in the file', async () => {
    const latin1 = (lines: string[]) => Buffer.from(lines.join('\r') + '\r', 'latin1');
    await refusal(latin1(['id,v', '1,a', '', '2,caf\xe9', '3,b']), /line 4: invalid encoding/);
    const deep = ['id,name', ...Array.from({ length: 300_000 }, (_, i) => `${i + 1},site ${i}`)];
    deep[250_000 - 1] = '250000,caf\xe9';
    await refusal(latin1(deep), /line 250000: invalid encoding/);
    // A UTF-16 file read as UTF-8: its byte order mark names the encoding to give.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,v\r1,a\r', 'utf16le')]);
    await refusal(
      utf16,
      /line 1: invalid encoding: not valid UTF-8 \(it starts with a UTF-16 byte order mark: give --encoding utf-16\)/,
    );
  });
});
