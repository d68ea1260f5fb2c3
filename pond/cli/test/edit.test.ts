import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, sensorCsv, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

/**
 * pond mv, rm, restore and revert through the real CLI, on one pond built up step by step (the
 * tests run in order). Expected rows come from plain DuckDB over the CSV files or from the pond
 * as of an earlier transaction, never from the command under test.
 */
describe('pond CLI: mv, rm, restore, revert', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let n = 0;
  const csv = (name: string) => join(t.dir, name);
  const lastTxn = async () =>
    Number(/^Transaction (\d+)/.exec(await p.ok('log', '--limit', '1'))![1]);
  const rowsOf = (path: string, ...more: string[]) =>
    p.ok('cat', path, '--format', 'csv', '--sql', 'SELECT * FROM source ORDER BY ALL', ...more);
  /** Runs a command that must fail with exit 1 and a message naming what is wrong. */
  async function refused(expected: RegExp, ...args: string[]): Promise<void> {
    const r = await p.run(...args);
    expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(1);
    expect(r.stderr).toMatch(expected);
  }
  /** Runs `fn` and checks that the pond made no transaction meanwhile. */
  async function unchanged(fn: () => Promise<void>): Promise<void> {
    const before = await p.ok('log', '--limit', '1');
    await fn();
    expect(await p.ok('log', '--limit', '1')).toBe(before);
  }
  const mknod = async (factory: string, path: string, config: string, ...flags: string[]) => {
    const file = join(t.dir, `config-${++n}.yaml`);
    await writeText(file, config);
    return p.ok('mknod', factory, path, '--config-path', file, ...flags);
  };

  beforeAll(async () => {
    t = await tempDir('pond-edit-');
    p = bound(t.pond);
    await writeText(csv('north1.csv'), sensorCsv('2024-01-01T00:00:00Z', 24));
    await writeText(csv('north2.csv'), sensorCsv('2024-01-02T00:00:00Z', 24, 100));
    await writeText(csv('north3.csv'), sensorCsv('2024-01-03T00:00:00Z', 24, 200));
    await writeText(csv('south.csv'), sensorCsv('2024-01-01T00:00:00Z', 12, 50));
    await writeText(csv('notes.txt'), 'notes\n');
    await p.ok('init', '--birthplace', 'edit');
    await p.ok('mkdir', '-p', '/sensors/north');
    await p.ok('mkdir', '-p', '/sensors/south');
    await p.ok('mkdir', '/archive');
    await p.ok(
      'copy',
      `host+csv+series://${csv('north1.csv')}`,
      '/sensors/north/temperature.series',
    );
    await p.ok(
      'copy',
      `host+csv+series://${csv('north2.csv')}`,
      '/sensors/north/temperature.series',
    );
    await p.ok(
      'copy',
      `host+csv+series://${csv('south.csv')}`,
      '/sensors/south/temperature.series',
    );
    await p.ok('copy', `host://${csv('notes.txt')}`, '/docs/');
    await mknod(
      'temporal-reduce',
      '/reduced',
      `in_pattern: "series:///sensors/*/temperature.series"
out_pattern: "$0"
resolutions: ["1d"]
aggregations: [{ type: avg, columns: ["temperature"] }]
`,
    );
    await mknod(
      'sql-derived-table',
      '/north-view',
      `patterns: { source: "series:///sensors/north/temperature.series" }\n`,
    );
  });
  afterAll(async () => t.cleanup());

  it('mv renames and moves: same node, same versions, older transactions read the old layout', async () => {
    const before = await rowsOf('/sensors/north/temperature.series');
    const described = await p.ok('describe', '/sensors/north/temperature.series');
    const seqBefore = await lastTxn();
    const r = await p.run('mv', '/sensors/north/temperature.series', '/archive/north.series');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `Moved /sensors/north/temperature.series -> /archive/north.series [series]\nTransaction ${seqBefore + 1}\n`,
    );
    // Both derived nodes read the path that moved: named, not rewritten.
    expect(r.stderr).toContain(
      'warning: /north-view [sql-derived-table] read /sensors/north/temperature.series, which moved or left: its config is unchanged',
    );
    expect(r.stderr).toContain(
      'warning: /reduced [temporal-reduce] read /sensors/north/temperature.series',
    );
    expect(await rowsOf('/archive/north.series')).toBe(before);
    expect(
      (await p.ok('describe', '/archive/north.series')).replace('/archive/north.series', 'X'),
    ).toBe(described.replace('/sensors/north/temperature.series', 'X'));
    expect(await rowsOf('/sensors/north/temperature.series', '--as-of', `${seqBefore}`)).toBe(
      before,
    );
    await refused(
      /'\/sensors\/north\/temperature.series' does not exist/,
      'cat',
      '/sensors/north/temperature.series',
    );
    expect(await p.ok('list', '/sensors/north/', '--as-of', `${seqBefore}`)).toContain(
      'temperature.series',
    );
    const log = await p.ok('log', '--limit', '1');
    expect(log).toContain(
      'moved       series    /archive/north.series (from /sensors/north/temperature.series)',
    );
  });

  it('a version written after the move is read with the others, before and after maintain', async () => {
    const log = await p.ok('log', '--limit', '1');
    const moved = Number(/^Transaction (\d+)/.exec(log)![1]);
    const before = await rowsOf('/sensors/north/temperature.series', '--as-of', `${moved - 1}`);
    await p.ok('copy', `host+csv+series://${csv('north3.csv')}`, '/archive/north.series');
    const expected = await duck(
      `SELECT count(*)::INTEGER AS n, min(temperature) AS lo, max(temperature) AS hi FROM read_csv(['${csv('north1.csv')}', '${csv('north2.csv')}', '${csv('north3.csv')}'])`,
    );
    const count = () =>
      p.ok(
        'cat',
        '/archive/north.series',
        '--format',
        'json',
        '--sql',
        'SELECT count(*)::INTEGER AS n, min(temperature) AS lo, max(temperature) AS hi FROM source',
      );
    expect(JSON.parse(await count())).toEqual(expected[0]);
    await p.ok('maintain');
    expect(JSON.parse(await count())).toEqual(expected[0]);
    expect(await rowsOf('/sensors/north/temperature.series', '--as-of', `${moved - 1}`)).toBe(
      before,
    );
    expect(await rowsOf('/archive/north.series', '--as-of', `${moved}`)).toBe(before);
    expect(await p.ok('fsck')).toMatch(/^OK$/m);
  });

  it('mv refuses, naming the path, and changes nothing', () =>
    unchanged(async () => {
      await refused(
        /'\/archive\/north.series' already exists: remove it first/,
        'mv',
        '/docs/notes.txt',
        '/archive/north.series',
      );
      await refused(/cannot move '\/sensors' into itself/, 'mv', '/sensors', '/sensors/south/x');
      await refused(
        /'\/reduced' is read-only \(computed or mounted\): nothing can be moved into it/,
        'mv',
        '/docs/notes.txt',
        '/reduced',
      );
      await refused(
        /'\/reduced\/south\/res=1d.series' is inside '\/reduced\/south', which is read-only/,
        'mv',
        '/reduced/south/res=1d.series',
        '/archive/',
      );
      await refused(/'\/nope' does not exist/, 'mv', '/nope', '/archive');
      await refused(
        /'\/archive\/new\/' is not an existing directory/,
        'mv',
        '/docs/notes.txt',
        '/archive/new/',
      );
      await refused(/the root directory cannot be moved/, 'mv', '/', '/archive');
      // Several sources, one of them bad: the good ones do not move either.
      await refused(
        /'\/docs\/missing.txt' does not exist/,
        'mv',
        '/docs/notes.txt',
        '/docs/missing.txt',
        '/archive',
      );
      expect(await p.ok('list', '/docs/')).toContain('/docs/notes.txt');
      await refused(/mv needs a source and a destination/, 'mv', '/docs/notes.txt');
    }));

  it('a factory node moves like any entry and still reads its inputs', async () => {
    await p.ok('mv', '/north-view', '/archive/north-view');
    expect(await p.ok('list', '/archive/', '-l')).toMatch(
      /sql-derived-table.*\/archive\/north-view/,
    );
    // Its input moved away earlier: reading it says what it cannot find.
    const r = await p.run('cat', '/archive/north-view', '--format', 'csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/series:\/\/\/sensors\/north\/temperature.series' matches no/);
  });

  it('rm: -r for a directory with entries; versions stay readable as of before', async () => {
    await unchanged(async () => {
      await refused(/'\/sensors' is a directory with 2 entries: use -r/, 'rm', '/sensors');
      await refused(
        /'\/reduced\/south' is inside '\/reduced', which is read-only/,
        'rm',
        '/reduced/south',
      );
      await refused(/the root directory cannot be removed/, 'rm', '-r', '/');
    });
    const seq = await lastTxn();
    const r = await p.run('rm', '-r', '/sensors');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `Removed /sensors [directory] (bring it back: pond restore /sensors --as-of ${seq})\nTransaction ${seq + 1}\n`,
    );
    expect(r.stderr).toContain(
      'warning: /reduced [temporal-reduce] read /sensors/south/temperature.series',
    );
    expect(await p.ok('list', '/')).not.toContain('/sensors');
    expect(
      await p.ok(
        'cat',
        '/sensors/south/temperature.series',
        '--as-of',
        `${seq}`,
        '--format',
        'csv',
      ),
    ).toContain('2024-01-01T00:00:00Z');
    expect(await p.ok('log', '--limit', '1')).toContain('removed     directory /sensors');
    // The empty directory needs no -r.
    await p.ok('mkdir', '/empty');
    await p.ok('rm', '/empty');
  });

  it('restore brings a removed directory back with everything in it, the same nodes', async () => {
    const removedAt = await lastTxn();
    const r = await p.run('restore', '/sensors', '--as-of', `${removedAt - 3}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Restored \/sensors \[directory\] as of transaction \d+\nTransaction \d+\n$/,
    );
    expect(r.stderr).toContain(
      'warning: /reduced [temporal-reduce] now reads /sensors/south/temperature.series',
    );
    const south = await duck<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_csv('${csv('south.csv')}')`,
    );
    expect(
      await p.ok(
        'cat',
        '/reduced/south/res=1d.series',
        '--format',
        'csv',
        '--sql',
        'SELECT sum("temperature.avg" * 0 + 1)::INTEGER AS days FROM source',
      ),
    ).toBe('days\n1\n');
    expect(
      await p.ok(
        'cat',
        '/sensors/south/temperature.series',
        '--format',
        'csv',
        '--sql',
        'SELECT count(*)::INTEGER AS n FROM source',
      ),
    ).toBe(`n\n${south[0]!.n}\n`);
    expect(await p.ok('log', '--limit', '1')).toMatch(
      /restored    directory \/sensors \(as of transaction \d+\)/,
    );
    await unchanged(async () => {
      await refused(
        /'\/nothing' did not exist at transaction 2/,
        'restore',
        '/nothing',
        '--as-of',
        '2',
      );
      await refused(/transaction 999 does not exist/, 'restore', '/sensors', '--as-of', '999');
      const noFlag = await p.run('restore', '/sensors');
      expect(noFlag.code).toBe(2);
      expect(noFlag.stderr).toMatch(/--as-of/);
    });
  });

  it('restore gives a series exactly the rows it had then; later versions add on top', async () => {
    const path = '/archive/north.series';
    const log = await p.ok('log', '--limit', '100');
    // The transaction that added north3 (the version after the move).
    const added = Number(/Transaction (\d+) .*\n {2}copy \S+north3.csv/.exec(log)![1]);
    const then = await rowsOf(path, '--as-of', `${added - 1}`);
    const r = await p.run('restore', path, '--as-of', `${added - 1}`);
    expect(r.code, r.stderr).toBe(0);
    expect(await rowsOf(path)).toBe(then);
    const desc = await p.ok('describe', path);
    expect(desc).toMatch(/restored from v1 \(txn \d+\), readers start here/);
    expect(desc).toMatch(/restored from v2 \(txn \d+\)\n/);
    expect((await p.run('restore', path, '--as-of', `${added - 1}`)).stdout).toBe(
      `${path} is already as it was at transaction ${added - 1} (no transaction)\n`,
    );
    await p.ok('copy', `host+csv+series://${csv('north3.csv')}`, path);
    expect(await rowsOf(path)).toBe(await rowsOf(path, '--as-of', `${added}`));
  });

  it('revert undoes an import; a revert is itself revertible; pond log says what each did', async () => {
    await writeText(csv('mistake.csv'), sensorCsv('2030-01-01T00:00:00Z', 3));
    await p.ok('copy', `host+csv+series://${csv('mistake.csv')}`, '/archive/mistake.series');
    const imported = await lastTxn();
    const dry = await p.ok('revert', `${imported}`, '--dry-run');
    expect(dry).toBe(
      `Reverting transaction ${imported} (copy host+csv+series://${csv('mistake.csv')} /archive/mistake.series) would:\n  remove          series    /archive/mistake.series\n`,
    );
    expect(await lastTxn()).toBe(imported);
    const r = await p.ok('revert', `${imported}`);
    expect(r).toContain(`Reverted transaction ${imported} (copy`);
    expect(r).toContain(`Transaction ${imported + 1}\n`);
    expect(await p.ok('list', '/archive/')).not.toContain('mistake');
    const log = await p.ok('log', '--limit', '1');
    expect(log).toContain(
      `revert ${imported}\n  reverts transaction ${imported}\n    removed     series    /archive/mistake.series`,
    );
    await p.ok('revert', `${imported + 1}`);
    expect(await p.ok('list', '/archive/')).toContain('/archive/mistake.series');
    await unchanged(async () => {
      await refused(/revert needs a transaction number, not 'x'/, 'revert', 'x');
      await refused(/transaction 1 made the pond/, 'revert', '1');
    });
  });

  it('revert refuses when later transactions changed the same paths, unless --force', async () => {
    await writeText(csv('v1.txt'), 'one\n');
    await writeText(csv('v2.txt'), 'two\n');
    await writeText(csv('v3.txt'), 'three\n');
    await p.ok('copy', `host://${csv('v1.txt')}`, '/docs/v.txt');
    await p.ok('copy', `host://${csv('v2.txt')}`, '/docs/v.txt');
    const second = await lastTxn();
    await p.ok('copy', `host://${csv('v3.txt')}`, '/docs/v.txt');
    await unchanged(() =>
      refused(
        new RegExp(
          `cannot revert transaction ${second}: later transactions changed the same paths:\\n {2}/docs/v.txt: has newer versions \\(transaction ${second + 1}\\)\\n\\(--force`,
        ),
        'revert',
        `${second}`,
      ),
    );
    expect(await p.ok('revert', `${second}`, '--dry-run')).toContain(
      `Conflicts (the revert is refused; --force goes ahead where it can):\n  /docs/v.txt: has newer versions (transaction ${second + 1})\n`,
    );
    await p.ok('revert', `${second}`, '--force');
    expect(await p.ok('cat', '/docs/v.txt')).toBe('one\n');
  });

  it('revert of a config change brings the previous config back', async () => {
    await mknod(
      'temporal-reduce',
      '/reduced',
      `in_pattern: "series:///sensors/*/temperature.series"
out_pattern: "$0"
resolutions: ["1h", "1d"]
aggregations: [{ type: avg, columns: ["temperature"] }]
`,
      '--overwrite',
    );
    const replaced = await lastTxn();
    expect(await p.ok('list', '/reduced/south/')).toContain('res=1h.series');
    expect(await p.ok('log', '--limit', '1')).toContain('replaced    directory /reduced');
    await p.ok('revert', `${replaced}`);
    expect(await p.ok('list', '/reduced/south/')).not.toContain('res=1h.series');
    expect(await p.ok('describe', '/reduced')).toContain('resolutions: ["1d"]');
    expect(await p.ok('log', '--limit', '1')).toMatch(
      /restored    directory \/reduced \(as of transaction \d+\)/,
    );
    expect(await p.ok('fsck')).toMatch(/^OK$/m);
  });
});
