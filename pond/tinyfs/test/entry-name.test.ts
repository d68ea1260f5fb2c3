import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../shared/errors.js';
import { checkName, nameProblem, printableName } from '../entry-name.js';
import { memoryRoot } from '../memory.js';
import { WD } from '../wd.js';

describe('entry names', () => {
  it('accepts ordinary names, Unicode and names at the byte limit', () => {
    for (const ok of [
      'ok.csv',
      'res=1d.series',
      'year=2024',
      'Station [A] {b} (1).csv',
      'é-ü-日本.csv',
      '🌊 wave.txt',
      '.hidden',
      ' leading space',
      'a'.repeat(255),
      'é'.repeat(127) + 'a', // 255 bytes of UTF-8
      'CONSOLE.txt',
      'nul-report.csv',
    ]) {
      expect(nameProblem(ok), ok).toBeUndefined();
    }
  });

  it('refuses each kind of bad name with the reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['.', /folder itself or its parent/],
      ['..', /folder itself or its parent/],
      ['a/b', /path separator/],
      ['a\nb', /control character \\n/],
      ['a\tb', /control character \\t/],
      ['a\0b', /control character \\0/],
      ['a\x7fb', /control character U\+007F/],
      ['a\u0085b', /control character U\+0085/],
      ['a\u2028b', /control character U\+2028/],
      ['a\uFFFDb', /U\+FFFD/],
      ['a\uD800b', /not valid Unicode/],
      ['a\\b', /'\\'.*Windows/],
      ['12:00.csv', /':'.*Windows/],
      ['a*b', /'\*'/],
      ['a?b', /'\?'/],
      ['a"b', /'"'/],
      ['a<b', /'<'/],
      ['a>b', /'>'/],
      ['a|b', /'\|'/],
      ['name.', /ends with a space or a dot/],
      ['name ', /ends with a space or a dot/],
      ['CON', /device name/],
      ['nul.txt', /device name/],
      ['com1.tar.gz', /device name/],
      ['LPT9', /device name/],
      ['a'.repeat(256), /256 bytes long in UTF-8; names are limited to 255/],
      ['é'.repeat(128), /256 bytes/],
    ];
    for (const [name, reason] of cases) {
      expect(nameProblem(name), JSON.stringify(name)).toMatch(reason);
      expect(() => checkName(name)).toThrow(/is not a valid name/);
    }
  });

  it('shows a bad name on one line, cut when it is very long', () => {
    expect(printableName('a\nb')).toBe("'a\\nb'");
    expect(printableName('x'.repeat(5000))).toBe(`'${'x'.repeat(60)}...' (5000 characters)`);
    try {
      checkName('x'.repeat(5000));
      expect.unreachable();
    } catch (e) {
      expect(isPondError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message.length).toBeLessThan(200);
    }
  });

  it('is checked by every create path of a directory', async () => {
    const root = memoryRoot();
    const wd = new WD(root);
    await expect(wd.mkdir('/a\nb')).rejects.toThrow(/'a\\nb' is not a valid name/);
    await expect(wd.mkdir('/x/y:z', { parents: true })).rejects.toThrow(/'y:z'/);
    await expect(root.create!('a|b', { kind: 'directory' })).rejects.toThrow(/'\|'/);
    await expect(wd.writeFile('/f.txt.', 'data', { bytes: new Uint8Array([1]) })).rejects.toThrow(
      /ends with a space or a dot/,
    );
  });
});
