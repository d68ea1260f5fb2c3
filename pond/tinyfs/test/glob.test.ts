import { describe, expect, it } from 'vitest';
import { literalBase, matchWildcard, parseGlob } from '../glob.js';

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
