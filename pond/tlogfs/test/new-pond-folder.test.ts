import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors.js';
import { Pond } from '../pond.js';

const meta = { command: ['init'] };

/** A pond is made only where it takes over nothing: its own paths absent or empty folders. */
describe('tlogfs: where a pond may be made', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlogfs-init-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Lists every path under `root`, so a refusal can be shown to change nothing. */
  async function tree(root: string): Promise<string[]> {
    return (await readdir(root, { recursive: true })).sort();
  }

  async function refused(path: string, message: RegExp): Promise<void> {
    const before = await tree(dir);
    await expect(Pond.create(path, 'x', meta)).rejects.toMatchObject({
      code: ErrorCode.AlreadyExists,
      input: path,
      message: expect.stringMatching(message),
    });
    expect(await tree(dir)).toEqual(before);
  }

  it('refuses a folder whose data/, cache/ or pond.lock is in use, naming what is there', async () => {
    const project = join(dir, 'project');
    await mkdir(join(project, 'data', 'site-a'), { recursive: true });
    await writeFile(join(project, 'data', 'north.csv'), 'a,b\n1,2\n');
    await writeFile(join(project, 'data', 'south.csv'), 'a,b\n3,4\n');
    await writeFile(join(project, 'data', 'west.csv'), 'a,b\n');
    await writeFile(join(project, 'data', 'east.csv'), 'a,b\n');
    await refused(
      project,
      new RegExp(
        `^cannot make a pond at ${project}: data/ holds east.csv, north.csv, site-a and 2 more`,
      ),
    );
    expect(await readFile(join(project, 'data', 'north.csv'), 'utf8')).toBe('a,b\n1,2\n');

    const cached = join(dir, 'cached');
    await mkdir(join(cached, 'cache'), { recursive: true });
    await writeFile(join(cached, 'cache', 'thumb.png'), 'x');
    await refused(cached, /cache\/ holds thumb.png/);

    const locked = join(dir, 'locked');
    await mkdir(locked);
    await writeFile(join(locked, 'pond.lock'), '');
    await refused(locked, /pond.lock exists \(a file\)/);

    const fileData = join(dir, 'file-data');
    await mkdir(fileData);
    await writeFile(join(fileData, 'data'), 'a file named data');
    await refused(fileData, /data exists \(a file\)/);

    const linked = join(dir, 'linked');
    await mkdir(linked);
    await symlink(join(dir, 'project', 'data'), join(linked, 'data'));
    await refused(linked, /data exists \(a symbolic link\)/);
  });

  it('refuses a path that is a file, and a pond that exists', async () => {
    const file = join(dir, 'notes.txt');
    await writeFile(file, 'mine');
    await refused(file, /it is a file, not a folder/);
    expect(await readFile(file, 'utf8')).toBe('mine');

    const pond = await Pond.create(join(dir, 'pond'), 'x', meta);
    await pond.close();
    await refused(join(dir, 'pond'), /a pond already exists/);
  });

  it('makes a pond in a new folder, an empty one, or beside other files', async () => {
    for (const [name, prepare] of [
      ['new/deeper', async () => undefined],
      ['empty', async (p: string) => mkdir(p)],
      ['empty-data', async (p: string) => mkdir(join(p, 'data'), { recursive: true })],
      [
        'project',
        async (p: string) => {
          await mkdir(p);
          await writeFile(join(p, 'thesis.docx'), 'x');
        },
      ],
    ] as const) {
      const path = join(dir, name);
      await prepare(path);
      const pond = await Pond.create(path, 'x', meta);
      expect(pond.lastSeq).toBe(1);
      await pond.close();
    }
    expect(await readFile(join(dir, 'project', 'thesis.docx'), 'utf8')).toBe('x');
  });
});
