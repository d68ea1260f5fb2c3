import { beforeEach, describe, expect, it } from 'vitest';
import { isPondError } from '../../../shared/errors.js';
import { memoryRoot } from '../memory.js';
import { isDirectory, type FileNode } from '../node.js';
import { visitGlob } from '../visit.js';
import { WD } from '../wd.js';

const text = (s: string) => ({ bytes: new TextEncoder().encode(s) });

async function tree(): Promise<WD> {
  const wd = new WD(memoryRoot());
  await wd.mkdir('/in/a/b', { parents: true });
  await wd.mkdir('/in/a/c', { parents: true });
  await wd.mkdir('/in/b/a', { parents: true });
  await wd.mkdir('/away');
  await wd.writeFile('/in/a/1.txt', 'data', text('A'));
  await wd.writeFile('/in/a/b/1.txt', 'data', text('A-B'));
  await wd.writeFile('/in/a/c/1.txt', 'data', text('A-C'));
  await wd.writeFile('/in/b/a/1.txt', 'data', text('B-A'));
  await wd.writeFile('/in/top.csv', 'data', text('t'));
  await wd.writeFile('/in/a/b/deep.csv', 'data', text('d'));
  return wd;
}

function paths(ms: { path: string }[]): string[] {
  return ms.map((m) => m.path).sort();
}

describe('working directory', () => {
  let wd: WD;
  beforeEach(async () => {
    wd = await tree();
  });

  it('resolves relative paths from its cwd', async () => {
    const sub = new WD(wd.root, '/in/a');
    expect((await sub.get('b/1.txt')).path).toBe('/in/a/b/1.txt');
    expect((await sub.get('../b/a/1.txt')).path).toBe('/in/b/a/1.txt');
    expect((await sub.get('/')).path).toBe('/');
  });

  it('mkdir needs the parent unless -p and refuses existing targets', async () => {
    await expect(wd.mkdir('/x/y')).rejects.toThrow(/'\/x' does not exist/);
    await expect(wd.mkdir('/in')).rejects.toThrow(/already exists/);
    await wd.mkdir('/in/a/b', { parents: true }); // existing dirs are fine with -p
    await expect(wd.mkdir('/in/top.csv/x', { parents: true })).rejects.toThrow(/not a directory/);
  });

  it('writing an existing path appends a version and keeps the type', async () => {
    const r = await wd.writeFile('/in/top.csv', 'table', text('second'));
    expect(r.created).toBe(false);
    const f = (await wd.get('/in/top.csv')).node as FileNode;
    expect(f.type).toBe('data');
    expect((await f.versions()).map((v) => v.version)).toEqual([1, 2]);
    expect(new TextDecoder().decode(await f.read())).toBe('second');
    expect(new TextDecoder().decode(await f.read(1))).toBe('t');
    const entry = (await (await wd.getDirectory('/in')).entries()).find(
      (e) => e.name === 'top.csv',
    );
    expect(entry?.version).toBe(2);
    await expect(wd.writeFile('/in/a', 'data', text('x'))).rejects.toThrow(/is a directory/);
  });

  it('follows symlinks, relative and absolute, and detects loops', async () => {
    await wd.create('/in/link', { kind: 'symlink', target: 'a/b' });
    await wd.create('/away/abs', { kind: 'symlink', target: '/in/a' });
    expect((await wd.get('/in/link/1.txt')).path).toBe('/in/a/b/1.txt');
    expect((await wd.get('/away/abs/c/1.txt')).path).toBe('/in/a/c/1.txt');
    expect((await wd.get('/in/link', { follow: false })).node.type).toBe('symlink');

    await wd.create('/loop1', { kind: 'symlink', target: '/loop2' });
    await wd.create('/loop2', { kind: 'symlink', target: '/loop1' });
    try {
      await wd.get('/loop1/x');
      expect.unreachable();
    } catch (e) {
      expect(isPondError(e, 'SYMLINK_LOOP')).toBe(true);
    }
  });
});

describe('glob visits', () => {
  let wd: WD;
  beforeEach(async () => {
    wd = await tree();
  });

  it('captures the directories ** descends', async () => {
    const ms = await visitGlob(wd, '/in/**/1.txt');
    const byPath = Object.fromEntries(ms.map((m) => [m.path, m.captures]));
    expect(byPath).toEqual({
      '/in/a/1.txt': ['a'],
      '/in/a/b/1.txt': ['a', 'b'],
      '/in/a/c/1.txt': ['a', 'c'],
      '/in/b/a/1.txt': ['b', 'a'],
    });
  });

  it('** also matches zero directories', async () => {
    expect(paths(await visitGlob(wd, '/in/**/*.csv'))).toEqual(['/in/a/b/deep.csv', '/in/top.csv']);
    expect(paths(await visitGlob(wd, '**/*.csv'))).toEqual(['/in/a/b/deep.csv', '/in/top.csv']);
  });

  it('a trailing ** yields everything below, not the start directory', async () => {
    const ms = await visitGlob(wd, '/in/a/**');
    expect(paths(ms)).toEqual([
      '/in/a/1.txt',
      '/in/a/b',
      '/in/a/b/1.txt',
      '/in/a/b/deep.csv',
      '/in/a/c',
      '/in/a/c/1.txt',
    ]);
    expect(ms.find((m) => m.path === '/in/a/b/deep.csv')?.captures).toEqual(['b', 'deep.csv']);
  });

  it('* matches one level and captures', async () => {
    const ms = await visitGlob(wd, '/in/*/1.txt');
    expect(ms.map((m) => [m.path, m.captures])).toEqual([['/in/a/1.txt', ['a']]]);
    expect(paths(await visitGlob(wd, '/*'))).toEqual(['/away', '/in']);
    expect(paths(await visitGlob(wd, '/in'))).toEqual(['/in']);
    expect(isDirectory((await visitGlob(wd, '/in'))[0]!.node)).toBe(true);
  });

  it('visits each node once, however many paths reach it', async () => {
    await wd.create('/in/alias', { kind: 'symlink', target: '/in/a/c' });
    const ms = await visitGlob(wd, '/in/**/1.txt');
    const ids = ms.map((m) => m.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ms).toHaveLength(4);
  });

  it('ends on symlink loops', async () => {
    await wd.create('/in/a/up', { kind: 'symlink', target: '/in' });
    const ms = await visitGlob(wd, '/in/**/1.txt');
    expect(ms).toHaveLength(4);
  });

  it('a missing base is an error, a missing leaf is no match', async () => {
    expect(await visitGlob(wd, '/in/nothing*')).toEqual([]);
    await expect(visitGlob(new WD(wd.root, '/nope'), '*')).rejects.toThrow(/does not exist/);
  });
});
