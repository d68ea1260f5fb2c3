import { ident, literal } from '../duckdb/sql.js';
import { parseUtcTime } from '../query/time.js';
import type { DynamicNodeSpec, PondTxn } from '../tlogfs/transaction.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { key } from './config-schema.js';
import { DerivedTable } from './derived-nodes.js';
import { parseDuration } from '../config/duration.js';
import { expandEnv } from './env-substitution.js';
import type { Factory } from './registry.js';

/**
 * synthetic-timeseries: a series generated from waveforms, one row per `interval` from `start`
 * to `end` (both included). Each point is the sum of its components, where t is seconds since
 * `start`: sine `offset + amplitude*sin(2πt/period + phase)`; triangle (from offset-amplitude
 * at t=0 up to offset+amplitude at half a period); square `offset ± amplitude` (+ when the sine
 * is >= 0); line `offset + slope*t`.
 */
type Component =
  | {
      type: 'sine' | 'triangle' | 'square';
      amplitude: number;
      periodS: number;
      phase: number;
      offset: number;
    }
  | { type: 'line'; slope: number; offset: number };

interface SyntheticConfig {
  startMs: number;
  endMs: number;
  intervalMs: number;
  timeColumn: string;
  points: { name: string; components: Component[] }[];
}

function readConfig(text: string, where: string): SyntheticConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const time = (key: string) => {
    const v = c.string(key);
    try {
      return parseUtcTime(v, key);
    } catch (e) {
      throw configError(where, key, (e as Error).message);
    }
  };
  const startMs = time('start');
  const endMs = time('end');
  if (endMs < startMs) throw configError(where, 'end', 'is before start');
  const intervalMs = parseDuration(c.string('interval'), where, 'interval');
  const timeColumn = c.string('time_column', true) ?? 'timestamp';
  const points = c.list('points', (p) => ({
    name: p.string('name'),
    components: p.list('components', (k): Component => {
      const type = k.string('type');
      const offset = k.number('offset', true) ?? 0;
      if (type === 'line') return { type, slope: k.number('slope'), offset };
      if (type === 'sine' || type === 'triangle' || type === 'square') {
        return {
          type,
          amplitude: k.number('amplitude'),
          periodS: parseDuration(k.string('period'), where, `${k.prefix}.period`) / 1000,
          phase: k.number('phase', true) ?? 0,
          offset,
        };
      }
      throw configError(
        where,
        `${k.prefix}.type`,
        `'${type}' is not a component (sine, triangle, square, line)`,
      );
    }),
  }));
  c.done();
  if (points.length === 0) throw configError(where, 'points', 'needs at least one point');
  return { startMs, endMs, intervalMs, timeColumn, points };
}

function componentSql(k: Component, t: string): string {
  if (k.type === 'line') return `(${k.offset} + ${k.slope} * ${t})`;
  const angle = `(2 * pi() * ${t} / ${k.periodS} + ${k.phase})`;
  switch (k.type) {
    case 'sine':
      return `(${k.offset} + ${k.amplitude} * sin(${angle}))`;
    case 'square':
      return `(${k.offset} + ${k.amplitude} * CASE WHEN sin(${angle}) >= 0 THEN 1 ELSE -1 END)`;
    case 'triangle': {
      const x = `(${t} / ${k.periodS} + ${k.phase} / (2 * pi()))`;
      const f = `(${x} - floor(${x}))`;
      return `(${k.offset} + ${k.amplitude} * CASE WHEN ${f} < 0.5 THEN -1 + 4 * ${f} ELSE 3 - 4 * ${f} END)`;
    }
  }
}

function syntheticRelation(cfg: SyntheticConfig): string {
  const rows = Math.floor((cfg.endMs - cfg.startMs) / cfg.intervalMs) + 1;
  const t = `(i * ${cfg.intervalMs / 1000})`;
  const start = `${literal(new Date(cfg.startMs).toISOString())}::TIMESTAMPTZ`;
  const columns = cfg.points.map(
    (p) => `${p.components.map((k) => componentSql(k, t)).join(' + ')}::DOUBLE AS ${ident(p.name)}`,
  );
  return `SELECT ${start} + to_milliseconds(i * ${cfg.intervalMs}) AS ${ident(cfg.timeColumn)}, ${columns.join(', ')} FROM range(${rows}) r(i)`;
}

export const syntheticTimeseries: Factory = {
  name: 'synthetic-timeseries',
  description: 'a series generated from sine, triangle, square and line waveforms',
  entryType: 'series',
  validate: (config, where) => readConfig(config, where),
  schema: {
    keys: [
      key('start', 'UTC time', true, 'the first row'),
      key('end', 'UTC time', true, 'the last row (inclusive)'),
      key('interval', 'duration', true, 'time between rows, e.g. 1m'),
      key('time_column', 'column', false, 'the name of the time column (default timestamp)'),
      key('points', 'list of mappings', true, 'the columns, each a sum of waveforms', {
        keys: [
          key('name', 'column', true, 'the column name'),
          key('components', 'list of mappings', true, 'the waveforms added up', {
            keys: [
              key('type', 'waveform', true, 'the waveform', {
                values: ['sine', 'triangle', 'square', 'line'],
              }),
              key('amplitude', 'number', false, 'sine, triangle, square: the amplitude'),
              key('period', 'duration', false, 'sine, triangle, square: the period'),
              key('phase', 'number', false, 'sine, triangle, square: radians (default 0)'),
              key('slope', 'number', false, 'line: change per second'),
              key('offset', 'number', false, 'added to the waveform (default 0)'),
            ],
          }),
        ],
      }),
    ],
    example: `start: "2024-07-01T00:00:00Z"
end: "2024-07-07T23:59:00Z"
interval: 1m
time_column: timestamp
points:
  - name: temperature
    components:
      - { type: sine, amplitude: 3, period: 1d, phase: 0, offset: 14 }
      - { type: line, slope: 0.00001 }
`,
  },
  make: async (spec: DynamicNodeSpec, txn: PondTxn) => {
    const cfg = readConfig(spec.config, `${spec.path} (synthetic-timeseries)`);
    return new DerivedTable(spec, 'series', txn, async () => syntheticRelation(cfg));
  },
};
