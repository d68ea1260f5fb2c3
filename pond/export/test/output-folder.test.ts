import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseCollision,
  ensureOutputFolder,
  hostFolderProblem,
  ignoresCase,
  removeFolders,
} from '../output-folder.js';

describe('output folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'output-folder-'));
    await writeFile(join(dir, 'afile'), 'x');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('names the file that is in the way', async () => {
    expect(await hostFolderProblem(join(dir, 'afile'))).toBe('it is a file, not a folder');
    expect(await hostFolderProblem(join(dir, 'afile', 'sub', 'deeper'))).toBe(
      `${join(dir, 'afile')} is a file`,
    );
    expect(await hostFolderProblem(join(dir, 'new', 'sub'))).toBeUndefined();
    expect(await hostFolderProblem(dir)).toBeUndefined();
  });

  it('makes missing folders, refuses with the label, and removes only what it made', async () => {
    await expect(ensureOutputFolder(join(dir, 'afile', 'x'), '--dir afile/x')).rejects.toThrow(
      `--dir afile/x: ${join(dir, 'afile')} is a file`,
    );
    const made = await ensureOutputFolder(join(dir, 'a', 'b', 'c'), '--dir a/b/c');
    expect(made).toEqual([join(dir, 'a'), join(dir, 'a', 'b'), join(dir, 'a', 'b', 'c')]);
    expect(await ensureOutputFolder(join(dir, 'a', 'b'), '--dir a/b')).toEqual([]);
    await writeFile(join(dir, 'a', 'b', 'someone-elses.txt'), 'x');
    await removeFolders(made);
    // c was empty and is gone; b holds a file it did not write, so b and a stay.
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['someone-elses.txt']);
  });

  it('does not hang where mkdir cannot make a folder (/proc)', async () => {
    await expect(ensureOutputFolder('/proc/pond-nope/x', 'export folder')).rejects.toThrow(
      /export folder: cannot mkdir \/proc\/pond-nope: no such file or folder/,
    );
  });

  it('finds outputs that one case-insensitive folder would merge', () => {
    expect(caseCollision(['a/x.csv', 'b/x.csv', 'a/y.csv'])).toBeUndefined();
    expect(caseCollision(['North/data.parquet', 'north/data.parquet'])).toEqual(['North', 'north']);
    expect(caseCollision(['s/A.csv', 's/a.csv'])).toEqual(['s/A.csv', 's/a.csv']);
    // é as one code point and as e + combining accent: one name on macOS.
    expect(caseCollision(['caf\u00e9.csv', 'cafe\u0301.csv'])).toEqual([
      'caf\u00e9.csv',
      'cafe\u0301.csv',
    ]);
  });

  it('probes whether the host ignores case', async () => {
    const probe = join(dir, 'Probe-folder');
    await mkdir(probe);
    // Linux file systems here are case-sensitive; macOS and Windows defaults are not.
    expect(ignoresCase(probe)).toBe(process.platform === 'darwin' || process.platform === 'win32');
  });
});
