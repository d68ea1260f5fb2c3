/**
 * The renderer's pure helpers behind issue 16's fixes: times in a zone, column widths, the SQL
 * the grid copies, the tree filter's glob, CSV for display, and a filtered tree that opens itself.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColumnInfo, ListPage, TreeEntry } from '../../../shared/api';
import { formatInstant, offsetText } from '../common/time-zone';
import { parseCsv } from '../data-file/csv-table';
import { MIN_WIDTH, layoutWidths, naturalWidth } from '../grid/column-widths';
import { catCommand, gridSql } from '../grid/grid-sql';
import { nameGlob } from '../tree/name-glob';
import { TreeModel } from '../tree/tree-model';

describe('formatInstant', () => {
  const tz = process.env['TZ'];
  beforeEach(() => {
    process.env['TZ'] = 'America/New_York';
  });
  afterEach(() => {
    if (tz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = tz;
  });

  it('keeps UTC as given, and gives local wall time with its own offset and every digit', () => {
    expect(formatInstant('2024-07-01T00:00:00.123456Z', 'utc')).toBe('2024-07-01T00:00:00.123456Z');
    expect(formatInstant('2024-07-01T00:00:00.123456Z', 'local')).toBe(
      '2024-06-30T20:00:00.123456-04:00',
    );
    // Winter: the offset of that instant, not of today.
    expect(formatInstant('2024-01-15T12:00:00Z', 'local')).toBe('2024-01-15T07:00:00-05:00');
    expect(formatInstant('not a time', 'local')).toBe('not a time');
    expect(offsetText(330)).toBe('+05:30');
    expect(offsetText(-210)).toBe('-03:30');
  });
});

describe('column widths', () => {
  const col = (name: string, type: string): ColumnInfo => ({ name, type, nullable: true });
  const cols = [
    col('timestamp', 'TIMESTAMP WITH TIME ZONE'),
    col('x', 'DOUBLE'),
    col('s', 'VARCHAR'),
  ];

  it('fit a long name up to a limit, and never go below the minimum', () => {
    expect(naturalWidth(col('a_rather_long_column_name', 'DOUBLE'))).toBeGreaterThan(
      naturalWidth(col('x', 'DOUBLE')),
    );
    expect(naturalWidth(col('x'.repeat(500), 'DOUBLE'))).toBe(360);
    expect(naturalWidth(col('x', 'INTEGER'))).toBeGreaterThanOrEqual(MIN_WIDTH);
  });

  it('share a wide window, keep dragged widths, and stay natural when the window is narrow', () => {
    const natural = cols.map(naturalWidth);
    const sum = natural.reduce((a, b) => a + b, 0);
    expect(layoutWidths(cols, new Map(), sum - 10)).toEqual(natural);
    const wide = layoutWidths(cols, new Map(), 2400);
    expect(wide.reduce((a, b) => a + b, 0)).toBe(2400);
    expect(wide[0]! / wide[1]!).toBeCloseTo(natural[0]! / natural[1]!, 1);
    const dragged = layoutWidths(cols, new Map([['x', 77]]), 2400);
    expect(dragged[1]).toBe(77);
    expect(dragged.reduce((a, b) => a + b, 0)).toBe(2400);
  });
});

describe('the SQL the grid copies', () => {
  it('is the query as given without a sort, and wraps it with the sort, NULLs last', () => {
    expect(gridSql(undefined, [])).toBe('SELECT * FROM source');
    expect(gridSql('SELECT a FROM source; ', [])).toBe('SELECT a FROM source');
    expect(
      gridSql('SELECT * FROM source', [
        { column: 'we"ird', descending: true },
        { column: 'b', descending: false },
      ]),
    ).toBe(
      'SELECT * FROM (\nSELECT * FROM source\n) AS q\nORDER BY "we""ird" DESC NULLS LAST, "b" ASC NULLS LAST',
    );
    expect(catCommand("/a/it's.series", "SELECT 'x'")).toBe(
      `pond cat '/a/it'\\''s.series' --format csv --sql 'SELECT '\\''x'\\'''`,
    );
  });
});

describe('the tree filter glob', () => {
  it('matches * across any run of characters and everything else literally', () => {
    const g = nameGlob('*.series');
    expect(g('water.series')).toBe(true);
    expect(g('water.series.bak')).toBe(false);
    expect(nameGlob('res=1*')('res=1h.series')).toBe(true);
    expect(nameGlob('a.b')('axb')).toBe(false);
    expect(nameGlob('(x)+')('(x)+')).toBe(true);
  });
});

describe('CSV for display', () => {
  it('splits quoted fields with delimiters, quotes and line breaks, and finds ; or tab', () => {
    expect(parseCsv('a,b\n1,"x, ""y""\nz"\r\n2,3', 10).rows).toEqual([
      ['a', 'b'],
      ['1', 'x, "y"\nz'],
      ['2', '3'],
    ]);
    expect(parseCsv('a;b\n1;2\n', 10).rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a\tb\n1\t2', 10).rows[1]).toEqual(['1', '2']);
    const cut = parseCsv('h\n1\n2\n3\n', 2);
    expect(cut).toEqual({ rows: [['h'], ['1']], more: true });
  });
});

describe('a filtered tree', () => {
  const dir = (path: string): TreeEntry => ({
    name: path.split('/').pop()!,
    path,
    kind: 'directory',
    nodeId: path,
  });
  const file = (path: string): TreeEntry => ({ ...dir(path), kind: 'series' });
  const tree: Record<string, TreeEntry[]> = {
    '/': [dir('/sites'), dir('/temps')],
    '/sites': [dir('/sites/north')],
    '/sites/north': [file('/sites/north/temp.series')],
    '/temps': [dir('/temps/old'), file('/temps/a.series')],
    '/temps/old': [file('/temps/old/b.series')],
  };
  const list = async (path: string): Promise<ListPage> => ({
    path,
    offset: 0,
    total: tree[path]!.length,
    entries: tree[path]!,
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('opens the folders that lead to matches and a matched folder, not what is inside it', async () => {
    const m = new TreeModel(list, [], { isMatch: nameGlob('temp*') });
    m.ensurePage('/', 0);
    for (let i = 0; i < 5; i++) {
      for (const r of m.visibleRows()) if (r.type === 'pending') m.ensurePage(r.dir, 0);
      await settle();
    }
    const shown = m.visibleRows().map((r) => (r.type === 'entry' ? r.entry.path : r.type));
    expect(shown).toEqual([
      '/sites',
      '/sites/north',
      '/sites/north/temp.series',
      '/temps',
      '/temps/old',
      '/temps/a.series',
    ]);
    expect(m.isExpanded('/temps')).toBe(true);
    expect(m.isExpanded('/temps/old')).toBe(false);
    // A folder the user closes stays closed.
    m.collapse('/sites');
    expect(m.visibleRows().map((r) => (r.type === 'entry' ? r.entry.path : r.type))[1]).toBe(
      '/temps',
    );
  });
});
