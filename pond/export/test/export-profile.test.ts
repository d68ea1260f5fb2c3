import { describe, expect, it } from 'vitest';
import type { ExportSettings } from '../../../shared/api.js';
import { isPondError } from '../../../shared/errors.js';
import { checkSettings, parseProfile, profileYaml } from '../export-profile.js';
import { commandLine } from '../export-settings.js';
import { parseExportTime } from '../export-time.js';

function refusal(yaml: string): string {
  try {
    parseProfile(yaml, '/etc/exports/p.yaml');
  } catch (e) {
    if (isPondError(e)) {
      expect(e.code).toBe('BAD_CONFIG');
      return e.message;
    }
    throw e;
  }
  throw new Error(`accepted: ${yaml}`);
}

describe('export profiles', () => {
  it('reads every key, with the flags’ long names', () => {
    const s = parseProfile(
      [
        'patterns: ["/sites/*/water.series", "/docs/*"]',
        'dir: /srv/portal',
        'temporal: [year, month]',
        'start-time: -30d',
        'end-time: 2024-12-31T23:59:59Z',
        'template: /etc/exports/index.md.njk',
        "vars: { title: Water, year: '2024' }",
        'format: csv',
      ].join('\n'),
      '/etc/exports/portal.yaml',
    );
    expect(s).toEqual({
      patterns: ['/sites/*/water.series', '/docs/*'],
      dir: '/srv/portal',
      temporal: ['year', 'month'],
      startTime: '-30d',
      endTime: '2024-12-31T23:59:59Z',
      templates: ['/etc/exports/index.md.njk'],
      vars: { title: 'Water', year: '2024' },
      format: 'csv',
    } satisfies ExportSettings);
    // The YAML the wizard saves reads back as the same settings.
    expect(parseProfile(profileYaml(s, '/p.yaml'), '/p.yaml')).toEqual(s);
    expect(profileYaml(s, '/etc/exports/portal.yaml')).toMatch(
      /^# A pond export profile\. Run it with: pond export --profile \/etc\/exports\/portal\.yaml\n/,
    );
  });

  it('defaults: no parts, no range, no templates, Parquet', () => {
    expect(parseProfile('patterns: [/a.series]\ndir: /out\n', 'p')).toEqual({
      patterns: ['/a.series'],
      dir: '/out',
      temporal: [],
      templates: [],
      vars: {},
      format: 'parquet',
    });
  });

  it('refuses an unknown key or a bad value, naming the key and the reason', () => {
    const cases: [string, RegExp][] = [
      ['patterns: [/a]\ndir: /tmp/x\ncolour: blue\n', /: colour: unknown key/],
      ['patterns: [/a]\ndir: out\n', /: dir: 'out' must be an absolute host folder/],
      ['patterns: [/a]\ndir: /x\ntemporal: [month]\n', /: temporal: .*must start with year/],
      [
        'patterns: [/a]\ndir: /x\ntemporal: [year, week]\n',
        /: temporal: .*'week' is not a time part/,
      ],
      [
        'patterns: [/a]\ndir: /x\nstart-time: yesterday\n',
        /: start-time: 'yesterday' is not a time/,
      ],
      [
        'patterns: [/a]\ndir: /x\nstart-time: 2024-02-30\n',
        /: start-time: .*'2024-02-30' is not a time/,
      ],
      ['patterns: [/a]\ndir: /x\nend-time: -3x\n', /: end-time: '-3x' has a bad duration '3x'/],
      [
        'patterns: [/a]\ndir: /x\nstart-time: 2024-03-01\nend-time: 2024-02-01\n',
        /: start-time: 2024-03-01 is after end-time 2024-02-01/,
      ],
      [
        'patterns: [/a]\ndir: /x\nvars: { year: 2024 }\n',
        /: vars\.year: must be text, not number 2024/,
      ],
      ['patterns: [/a]\ndir: /x\nvars: [a]\n', /: vars: must be a mapping/],
      ['patterns: [/a]\ndir: /x\nformat: xlsx\n', /: format: 'xlsx' is not a format/],
      ['patterns: [/a]\ndir: /x\ntemplate: 3\n', /: template: must be a list of strings/],
      ['patterns: /a\ndir: /x\n', /: patterns: must be a list of strings/],
      ['patterns: []\ndir: /x\n', /: patterns: must list at least one pattern/],
      ['dir: /x\n', /: patterns: is required/],
      ['patterns: [/a]\n', /: dir: is required/],
      ['patterns: [/a/../b]\ndir: /x\n', /: patterns\[0\]: .*may not contain '\.\.'/],
      ['- a\n- b\n', /must be a mapping of keys to values/],
      ['patterns: [/a\n', /not valid YAML/],
    ];
    for (const [yaml, why] of cases) {
      const m = refusal(yaml);
      expect(m, yaml).toMatch(/^export profile \/etc\/exports\/p\.yaml: /);
      expect(m, yaml).toMatch(why);
    }
  });

  it('checks the app’s settings exactly as a profile', () => {
    const ok: ExportSettings = {
      patterns: ['/a'],
      dir: '/out',
      temporal: ['year'],
      templates: [],
      vars: {},
      format: 'parquet',
    };
    expect(checkSettings(ok, 'x')).toEqual(ok);
    expect(() => checkSettings({ ...ok, temporal: ['day'] }, 'x')).toThrow(/must start with year/);
    expect(() => checkSettings({ ...ok, startTime: 'soon' }, 'x')).toThrow(/'soon' is not a time/);
  });

  it('the command line of a profile quotes what a shell would split', () => {
    expect(
      commandLine({
        patterns: ['/sites/*/water.series'],
        dir: '/srv/my portal',
        temporal: ['year', 'month'],
        startTime: '-30d',
        templates: [],
        vars: { title: "Noyo's water" },
        format: 'csv',
      }),
    ).toBe(
      `pond export -p '/sites/*/water.series' --dir '/srv/my portal' --temporal year,month --start-time=-30d --var 'title=Noyo'\\''s water' --format csv`,
    );
  });
});

describe('export times', () => {
  const now = Date.UTC(2024, 6, 15, 13, 45, 30);
  const iso = (ms: number) => new Date(ms).toISOString();

  it('absolute times are UTC; relative ones count from the run, in UTC', () => {
    expect(iso(parseExportTime('2024-07-01', 't', now))).toBe('2024-07-01T00:00:00.000Z');
    expect(iso(parseExportTime('2024-07-01T12:00:00+02:00', 't', now))).toBe(
      '2024-07-01T10:00:00.000Z',
    );
    expect(iso(parseExportTime('now', 't', now))).toBe('2024-07-15T13:45:30.000Z');
    expect(iso(parseExportTime('-30d', 't', now))).toBe('2024-06-15T13:45:30.000Z');
    expect(iso(parseExportTime('now-12h', 't', now))).toBe('2024-07-15T01:45:30.000Z');
    expect(iso(parseExportTime('today', 't', now))).toBe('2024-07-15T00:00:00.000Z');
    expect(iso(parseExportTime('today-7d', 't', now))).toBe('2024-07-08T00:00:00.000Z');
    expect(iso(parseExportTime('today + 1d', 't', now))).toBe('2024-07-16T00:00:00.000Z');
    expect(iso(parseExportTime('-1w2d', 't', now))).toBe('2024-07-06T13:45:30.000Z');
  });

  it('refuses what is not a time', () => {
    for (const bad of ['30d', '+1d', 'yesterday', 'now-', 'today-x', '', '-0d']) {
      expect(() => parseExportTime(bad, '--start-time', now), bad).toThrow(/--start-time: /);
    }
  });
});
