import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPond, tempDir } from './run-pond.js';

/** `pond init` never takes over a folder that holds someone else's files where the pond keeps its own. */
describe('pond init', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    t = await tempDir('pond-init-');
  });
  afterAll(async () => t.cleanup());

  it('refuses a project folder whose data/ holds files, and leaves them as they were', async () => {
    const project = join(t.dir, 'project');
    await mkdir(join(project, 'data', 'part_id=2024'), { recursive: true });
    await writeFile(join(project, 'data', 'north.csv'), 'timestamp,v\n2024-01-01,1\n');
    await writeFile(join(project, 'data', 'part_id=2024', 'x.parquet'), 'not parquet');
    const r = await runPond(['--pond', project, 'init', '--birthplace', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `pond: cannot make a pond at ${project}: data/ holds north.csv, part_id=2024. The pond keeps ` +
        `its own files at these paths and would take what is there for its own: choose a new or ` +
        `empty folder, or move them away\n`,
    );
    expect((await readdir(project, { recursive: true })).sort()).toEqual([
      'data',
      'data/north.csv',
      'data/part_id=2024',
      'data/part_id=2024/x.parquet',
    ]);
    expect(await readFile(join(project, 'data', 'north.csv'), 'utf8')).toBe(
      'timestamp,v\n2024-01-01,1\n',
    );
  });

  it('refuses a file and an existing pond; makes one beside other files', async () => {
    const file = join(t.dir, 'notes.txt');
    await writeFile(file, 'mine');
    const r = await runPond(['--pond', file, 'init', '--birthplace', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`pond: cannot make a pond at ${file}: it is a file, not a folder\n`);

    const site = join(t.dir, 'site');
    await mkdir(site);
    await writeFile(join(site, 'README.md'), '# site');
    const ok = await runPond(['--pond', site, 'init', '--birthplace', 'x']);
    expect(ok.code, ok.stderr).toBe(0);
    const again = await runPond(['--pond', site, 'init', '--birthplace', 'x']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`pond: a pond already exists at ${site}\n`);
    const fsck = await runPond(['--pond', site, 'fsck']);
    expect(fsck.stdout.trim().split('\n').pop()).toBe('OK');
    expect(await readFile(join(site, 'README.md'), 'utf8')).toBe('# site');
  });
});
