import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { memoryRoot } from '../memory.js';
import { movePaths } from '../move.js';
import { isFile } from '../node.js';
import { removePaths } from '../remove.js';
import { WD } from '../wd.js';

const text = (s: string) => ({ bytes: new TextEncoder().encode(s) });

async function names(wd: WD, dir: string): Promise<string[]> {
  return (await (await wd.getDirectory(dir)).entries()).map((e) => e.name);
}

async function refused(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isPondError(e), `expected a PondError, got ${String(e)}`).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  expect((e as Error).message).toMatch(message);
}

describe('tinyfs: mv and rm semantics', () => {
  let wd: WD;
  beforeEach(async () => {
    wd = new WD(memoryRoot());
    await wd.mkdir('/a/b', { parents: true });
    await wd.mkdir('/c');
    await wd.writeFile('/a/f.txt', 'data', text('F'));
    await wd.writeFile('/a/b/g.txt', 'data', text('G'));
    await wd.create('/link', { kind: 'symlink', target: '/c' });
  });

  it('renames in place and moves into an existing directory, keeping the node', async () => {
    const id = (await wd.get('/a/f.txt')).node.id;
    expect(await movePaths(wd, ['/a/f.txt'], '/a/renamed.txt')).toEqual([
      { from: '/a/f.txt', to: '/a/renamed.txt', type: 'data', id },
    ]);
    expect(await movePaths(wd, ['/a/renamed.txt'], '/c')).toEqual([
      { from: '/a/renamed.txt', to: '/c/renamed.txt', type: 'data', id },
    ]);
    const moved = await wd.get('/c/renamed.txt');
    expect(moved.node.id).toBe(id);
    expect(isFile(moved.node) && Buffer.from(await moved.node.read()).toString()).toBe('F');
    expect(await names(wd, '/a')).toEqual(['b']);
  });

  it('a new version after a move shows in the new directory', async () => {
    await movePaths(wd, ['/a/f.txt'], '/c/f.txt');
    await wd.writeFile('/c/f.txt', 'data', text('F2'));
    const e = (await (await wd.getDirectory('/c')).entries()).find((x) => x.name === 'f.txt');
    expect(e?.version).toBe(2);
  });

  it('moves several sources into a directory, a directory with its contents, through a link', async () => {
    await movePaths(wd, ['/a/f.txt', '/a/b'], '/link');
    expect(await names(wd, '/c')).toEqual(['b', 'f.txt']);
    expect((await wd.getFile('/c/b/g.txt')).type).toBe('data');
    expect(await names(wd, '/a')).toEqual([]);
  });

  it('refuses what mv must not do, naming the path', async () => {
    await refused(movePaths(wd, ['/'], '/c'), ErrorCode.InvalidArgument, /root/);
    await refused(movePaths(wd, ['/a'], '/a/b'), ErrorCode.InvalidArgument, /into itself/);
    await refused(movePaths(wd, ['/a'], '/a'), ErrorCode.InvalidArgument, /already at/);
    await refused(movePaths(wd, ['/a/b'], '/a/b/x'), ErrorCode.InvalidArgument, /into itself/);
    await refused(
      movePaths(wd, ['/a/b/g.txt'], '/a/f.txt'),
      ErrorCode.AlreadyExists,
      /'\/a\/f.txt' already exists: remove it first/,
    );
    await wd.writeFile('/c/f.txt', 'data', text('other'));
    await refused(movePaths(wd, ['/a/f.txt'], '/c'), ErrorCode.AlreadyExists, /'\/c\/f.txt'/);
    await refused(movePaths(wd, ['/a/f.txt'], '/a/f.txt'), ErrorCode.InvalidArgument, /already at/);
    await refused(movePaths(wd, ['/a/f.txt'], '/a'), ErrorCode.InvalidArgument, /already at/);
    await refused(movePaths(wd, ['/nope'], '/c'), ErrorCode.NotFound, /'\/nope' does not exist/);
    await refused(movePaths(wd, ['/a/f.txt'], '/x/y'), ErrorCode.NotFound, /'\/x' does not exist/);
    await refused(movePaths(wd, ['/a/f.txt'], '/new/'), ErrorCode.NotFound, /not an existing/);
    await refused(
      movePaths(wd, ['/a/f.txt', '/a/b'], '/a/f.txt'),
      ErrorCode.WrongType,
      /several paths/,
    );
    await refused(
      movePaths(wd, ['/a/f.txt'], '/c/bad\0name'),
      ErrorCode.InvalidArgument,
      /not a valid name/,
    );
    // Nothing above moved anything.
    expect(await names(wd, '/a')).toEqual(['b', 'f.txt']);
  });

  it('rm removes files, links (not their targets), and directories with -r only', async () => {
    await refused(removePaths(wd, ['/a']), ErrorCode.InvalidArgument, /2 entries: use -r/);
    await refused(removePaths(wd, ['/']), ErrorCode.InvalidArgument, /root/);
    await refused(removePaths(wd, ['/zzz']), ErrorCode.NotFound, /'\/zzz' does not exist/);
    expect(await removePaths(wd, ['/link'])).toMatchObject([{ path: '/link', type: 'symlink' }]);
    expect(await names(wd, '/')).toEqual(['a', 'c']);
    expect(await removePaths(wd, ['/c'])).toMatchObject([{ path: '/c', type: 'directory' }]);
    expect(await removePaths(wd, ['/a'], { recursive: true })).toMatchObject([{ path: '/a' }]);
    expect(await names(wd, '/')).toEqual([]);
  });
});
