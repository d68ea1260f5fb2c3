import { describe, expect, it } from 'vitest';
import { parseUrl } from '../url.js';

describe('pond URLs', () => {
  it('parses the schemes of the reference', () => {
    expect(parseUrl('host:///tmp/f.csv')).toMatchObject({
      host: true,
      format: 'file',
      path: '/tmp/f.csv',
    });
    expect(parseUrl('host+table:///f.parquet')).toMatchObject({
      host: true,
      format: 'file',
      entryType: 'table',
    });
    expect(parseUrl('host+series:///f.parquet')).toMatchObject({ host: true, entryType: 'series' });
    expect(parseUrl('host+csv:///f.csv')).toMatchObject({
      host: true,
      format: 'csv',
      entryType: undefined,
    });
    expect(parseUrl('host+csv+series:///f.csv')).toMatchObject({
      format: 'csv',
      entryType: 'series',
    });
    expect(parseUrl('host+csv+gzip:///f.csv.gz')).toMatchObject({
      format: 'csv',
      compression: 'gzip',
    });
    expect(parseUrl('csv:///data/r.csv?delimiter=;')).toMatchObject({
      host: false,
      format: 'csv',
      params: { delimiter: ';' },
    });
    expect(parseUrl('series:///p')).toMatchObject({
      host: false,
      format: 'file',
      entryType: 'series',
    });
    expect(parseUrl('/plain/path')).toMatchObject({
      host: false,
      format: 'file',
      path: '/plain/path',
    });
    expect(parseUrl('host+delta:///t?version=3')).toMatchObject({
      host: true,
      format: 'delta',
      params: { version: '3' },
    });
    expect(parseUrl('host+file:///x')).toMatchObject({ host: true, format: 'file' });
  });

  it('rejects what the original rejects', () => {
    expect(() => parseUrl('csv://host/x')).toThrow(/host name is not allowed/);
    expect(() => parseUrl('gzip+csv:///x')).toThrow(/unknown scheme segment|first segment/);
    expect(() => parseUrl('host+nope:///x')).toThrow(/unknown scheme segment 'nope'/);
    expect(() => parseUrl('oteljson:///x')).toThrow(/not supported/);
    expect(() => parseUrl('file+gzip:///x')).toThrow(/csv only/);
    expect(() => parseUrl('csv:///x#frag')).toThrow(/fragments/);
  });
});
