import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duck, sensorCsv, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

function rows(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('csv-directory and hostmount', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  let host: string;
  let n = 0;
  const mknod = async (factory: string, path: string, config: string) => {
    const file = join(t.dir, `config-${++n}.yaml`);
    await writeText(file, config);
    return p.run('mknod', factory, path, '--config-path', file);
  };
  const cacheFiles = async () => {
    const dir = join(t.pond, 'cache', 'csv');
    const names = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(names.sort().map(async (f) => `${f}@${(await stat(join(dir, f))).mtimeMs}`));
  };

  beforeAll(async () => {
    t = await tempDir('pond-csvdir-');
    p = bound(t.pond);
    host = join(t.dir, 'field');
    await p.ok('init', '--birthplace', 'csvdir');
    await writeText(join(t.dir, 'a.csv'), sensorCsv('2024-05-01T00:00:00Z', 5));
    await writeText(
      join(t.dir, 'b.csv'),
      'when;depth\n2024-05-01 00:00:00;1.5\n2024-05-01 01:00:00;2.5\n',
    );
    await p.ok('copy', `host://${t.dir}/a.csv`, '/raw/');
    await p.ok('mkdir', '-p', '/raw/deep');
    await p.ok('copy', `host://${t.dir}/b.csv`, '/raw/deep/b.csv');
    // The host folder for hostmount: files, a subfolder, links inside and outside.
    await mkdir(join(host, 'sub'), { recursive: true });
    await writeText(join(host, 'x.csv'), 'id,name\n1,alpha\n2,beta\n');
    await writeText(join(host, 'sub', 'y.txt'), 'hello from the host\n');
    await writeText(join(t.dir, 'secret.txt'), 'not yours\n');
    await symlink(join(host, 'sub', 'y.txt'), join(host, 'inlink.txt'));
    await symlink(join(t.dir, 'secret.txt'), join(host, 'outlink.txt'));
    await symlink(host, join(host, 'sub', 'loop'));
  });
  afterAll(async () => t.cleanup());

  it('csv-directory: CSV data files found by a glob, each a table', async () => {
    const r = await mknod('csv-directory', '/csv', 'pattern: "/raw/**/*.csv"\n');
    expect(r.code, r.stderr).toBe(0);
    const listing = await p.ok('list', '/csv/*');
    expect(listing).toMatch(/\[TBL\].*\/csv\/a\.csv/);
    expect(listing).toMatch(/\[TBL\].*\/csv\/b\.csv/);
    const expected = await duck(
      `SELECT strftime(timestamp, '%Y-%m-%dT%H:%M:%S') AS timestamp, temperature::DOUBLE AS temperature, site
       FROM read_csv('${join(t.dir, 'a.csv')}')`,
    );
    const got = rows(await p.ok('cat', '/csv/a.csv', '--format', 'json'));
    expect(got.map((x) => ({ ...x, timestamp: String(x['timestamp']).slice(0, 19) }))).toEqual(
      expected,
    );
    expect(
      rows(
        await p.ok(
          'cat',
          '/csv/b.csv',
          '--format',
          'json',
          '--sql',
          'SELECT sum(depth) AS d FROM source',
        ),
      ),
    ).toEqual([{ d: 4 }]);
  });

  it('csv-directory: a version is parsed once; a new version is parsed anew', async () => {
    const first = await cacheFiles();
    expect(first).toHaveLength(2);
    await p.ok('cat', '/csv/a.csv', '--format', 'json');
    await p.ok('cat', '/csv/b.csv', '--format', 'json');
    expect(await cacheFiles()).toEqual(first); // same files, same modification times
    await writeText(join(t.dir, 'a.csv'), sensorCsv('2024-05-02T00:00:00Z', 3));
    await p.ok('copy', `host://${t.dir}/a.csv`, '/raw/a.csv');
    expect(rows(await p.ok('cat', '/csv/a.csv', '--format', 'json'))).toHaveLength(3);
    const after = await cacheFiles();
    expect(after).toHaveLength(3);
    expect(after).toEqual(expect.arrayContaining(first));
  });

  it('csv-directory: a CSV that does not parse is an error naming the file', async () => {
    // Not UTF-8 on line 3: DuckDB refuses it.
    await writeFile(join(t.dir, 'bad.csv'), Buffer.from('a,b\n1,2\n\xff,3\n', 'latin1'));
    await p.ok('copy', `host://${t.dir}/bad.csv`, '/raw/bad.csv');
    const r = await p.run('cat', '/csv/bad.csv', '--format', 'json');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('/raw/bad.csv');
  });

  it('hostmount: the host folder as a read-only directory; links that leave it are not shown', async () => {
    const r = await mknod('hostmount', '/field', `directory: "${host}"\n`);
    expect(r.code, r.stderr).toBe(0);
    const listing = await p.ok('list', '/field/**');
    for (const path of ['/field/x.csv', '/field/sub', '/field/sub/y.txt', '/field/inlink.txt'])
      expect(listing).toContain(path);
    expect(listing).not.toContain('outlink');
    expect(listing).not.toContain('loop');
    expect(await p.ok('cat', '/field/sub/y.txt')).toBe('hello from the host\n');
    expect(await p.ok('cat', '/field/inlink.txt')).toBe('hello from the host\n');
    expect(rows(await p.ok('cat', 'csv:///field/x.csv', '--format', 'json'))).toEqual([
      { id: 1, name: 'alpha' },
      { id: 2, name: 'beta' },
    ]);
    const escape = await p.run('cat', '/field/outlink.txt');
    expect(escape.code).not.toBe(0);
    expect(escape.stderr).toContain('outside the mounted folder');
    expect(escape.stderr).not.toContain('not yours');
    const write = await p.run('copy', `host://${t.dir}/b.csv`, '/field/b.csv');
    expect(write.code).not.toBe(0);
  });

  it('hostmount is live and its ids are stable', async () => {
    const log = await p.ok('log');
    const ids = await p.ok('list', '-l', '/field/**');
    await writeText(join(host, 'sub', 'new.txt'), 'just arrived\n');
    expect(await p.ok('cat', '/field/sub/new.txt')).toBe('just arrived\n');
    expect(await p.ok('log')).toBe(log); // no transaction needed to see host changes
    const again = await p.ok('list', '-l', '/field/**');
    const idOf = (out: string, path: string) =>
      out
        .split('\n')
        .find((l) => l.endsWith(` ${path}`))
        ?.split(/\s+/)
        .find((f) => f.includes('@'));
    for (const path of ['/field/x.csv', '/field/sub/y.txt']) {
      expect(idOf(again, path)).toBeDefined();
      expect(idOf(again, path)).toBe(idOf(ids, path));
    }
  });

  it('hostmount config errors name the key', async () => {
    const rel = await mknod('hostmount', '/m2', 'directory: "relative/dir"\n');
    expect(rel.stderr).toContain('directory');
    expect(rel.stderr).toContain('absolute');
    const missing = await mknod('hostmount', '/m2', `directory: "${join(t.dir, 'nope')}"\n`);
    expect(missing.stderr).toContain('does not exist');
  });
});
