import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { isoFromMicros } from '../../query/time.js';
import { isoText } from '../text-columns.js';

describe('times in text output', () => {
  let s: DuckSession;
  beforeAll(async () => {
    s = await DuckSession.open({ threads: 1 });
  });
  afterAll(() => s.close());

  it('are ISO-8601 UTC with a fraction only when there is one, exactly, before 1970 too', async () => {
    const us = [
      0, 1, 999, 1000, 250_000, 250_001, 1_000_000, 1_719_792_000_000_000, 1_719_792_000_123_000,
      1_719_792_000_123_456, -1, -1000, -1_000_000, -86_400_000_001, 4_102_444_800_000_001,
    ];
    const rows = await s.all<{ us: string; z: string; local: string }>(
      `SELECT us::VARCHAR AS us, ${isoText('make_timestamptz(us)', 'Z')} AS z, ${isoText('make_timestamp(us)', '')} AS local
       FROM (SELECT unnest([${us.join(', ')}]::BIGINT[]) AS us)`,
    );
    expect(rows).toHaveLength(us.length);
    for (const r of rows) {
      const expected = isoFromMicros(Number(r.us));
      expect(r.z, r.us).toBe(expected);
      expect(r.local, r.us).toBe(expected.slice(0, -1));
    }
    expect(rows[0]!.z).toBe('1970-01-01T00:00:00Z');
    expect(rows[9]!.z).toBe('2024-07-01T00:00:00.123456Z');
    expect(rows[10]!.z).toBe('1969-12-31T23:59:59.999999Z');
  });
});
