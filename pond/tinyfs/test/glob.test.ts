import { describe, expect, it } from 'vitest';
import { literalBase, matchWildcard, parseGlob, parseNamePattern } from '../glob.js';

describe('glob parsing', () => {
  it('splits components into literals, wildcards and **', () => {
    const g = parseGlob('/sensors/**/site_*.csv');
    expect(g.absolute).toBe(true);
    expect(g.components).toEqual([
      { kind: 'literal', name: 'sensors' },
      { kind: 'any-depth' },
      { kind: 'wildcard', segments: ['site_', '.csv'] },
    ]);
    expect(literalBase(g)).toBe('/sensors');
  });

  it('refuses the reserved ? [ ] { } and takes them escaped as literal characters', () => {
    for (const bad of ['[', '/a/[ab].csv', '{a,b', '/a/b}', '/x?.csv', '**/[x']) {
      expect(() => parseGlob(bad), bad).toThrow(
        /is not pattern syntax here: patterns have \* and \*\* only/,
      );
    }
    expect(parseGlob('/raw/site\\[A\\]*.csv').components).toEqual([
      { kind: 'literal', name: 'raw' },
      { kind: 'wildcard', segments: ['site[A]', '.csv'] },
    ]);
    expect(parseGlob('/\\{x\\}').components).toEqual([{ kind: 'literal', name: '{x}' }]);
    expect(() => parseGlob('/a\\b')).toThrow(/escapes only/);
    expect(() => parseGlob('/a\\')).toThrow(/escapes only/);
  });

  it('parses name patterns (the tree filter) with the same rules', () => {
    expect(parseNamePattern('*.series')).toEqual(['', '.series']);
    expect(parseNamePattern('exact.csv')).toEqual(['exact.csv']);
    expect(parseNamePattern('site\\[A\\]*')).toEqual(['site[A]', '']);
    expect(() => parseNamePattern('[ab]*')).toThrow(/bad pattern '\[ab\]\*'/);
    expect(() => parseNamePattern('a/b')).toThrow(/cannot contain '\/'/);
    expect(() => parseNamePattern('a**')).toThrow(/not part of a name/);
  });

  it('rejects ** inside a name, .. and empty patterns', () => {
    expect(() => parseGlob('/a/b**')).toThrow(/whole path component/);
    expect(() => parseGlob('/a/../b')).toThrow(/may not contain/);
    expect(() => parseGlob('  ')).toThrow(/empty pattern/);
  });
});

describe('wildcard matching', () => {
  it('captures one value per *', () => {
    expect(matchWildcard(['', 'VuLink', ''], 'HydroVu_FB-VuLink1.htm')).toEqual([
      'HydroVu_FB-',
      '1.htm',
    ]);
    expect(matchWildcard(['file', '.txt'], 'file12.txt')).toEqual(['12']);
    expect(matchWildcard(['', '.txt'], 'a.b.txt')).toEqual(['a.b']);
    expect(matchWildcard(['', ''], 'anything')).toEqual(['anything']);
    expect(matchWildcard(['', '_', ''], 'a_b_c')).toEqual(['a', 'b_c']);
  });

  it('anchors the first and last segments', () => {
    expect(matchWildcard(['file', '.txt'], 'myfile1.txt')).toBeUndefined();
    expect(matchWildcard(['file', '.txt'], 'file1.txt.bak')).toBeUndefined();
    expect(matchWildcard(['ab', 'ba'], 'aba')).toBeUndefined();
    expect(matchWildcard(['a', 'b', 'c'], 'abc')).toEqual(['', '']);
  });
});
