import { describe, expect, it } from 'vitest';
import { isPondError } from '../../../shared/errors.js';
import { basename, dirname, resolvePath } from '../path.js';

describe('pond paths', () => {
  it('normalizes . and .. and repeated slashes', () => {
    expect(resolvePath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(resolvePath('x/../y', '/a/b')).toBe('/a/b/y');
    expect(resolvePath('../z', '/a/b')).toBe('/a/z');
    expect(resolvePath('/')).toBe('/');
    expect(resolvePath('.', '/a')).toBe('/a');
  });

  it('refuses paths that escape the root', () => {
    for (const p of ['/..', '/a/../../b', '../x']) {
      try {
        resolvePath(p, '/');
        expect.unreachable();
      } catch (e) {
        expect(isPondError(e, 'PATH_ESCAPE')).toBe(true);
        expect((e as Error).message).toContain(p);
      }
    }
  });

  it('splits names', () => {
    expect(basename('/a/b.csv')).toBe('b.csv');
    expect(dirname('/a/b.csv')).toBe('/a');
    expect(dirname('/a')).toBe('/');
  });
});
