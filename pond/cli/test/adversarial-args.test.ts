import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeText } from './fixtures.js';
import { POND_BIN, runPond, tempDir, type RunResult } from './run-pond.js';

/**
 * Every command with the arguments users get wrong: files where folders are expected and the
 * reverse, missing parents, a pond folder that is a file, names no host can write, bad patterns,
 * bad --as-of and numeric values, unknown flags. None may end in exit 70 (an internal error):
 * each exits 1 (or 2 for usage errors) with a message that names the input and the reason, and
 * changes nothing: no file of the pond or of the host folder around it is added, removed or
 * touched, and at the end `pond log` and `pond fsck` report exactly what they did before.
 */

/** The folders and files a case refers to. */
interface Work {
  /** The temp folder holding everything. */
  dir: string;
  pond: string;
  /** A plain file, used where a folder is expected. */
  afile: string;
  /** A folder that is not a pond, used where a file is expected. */
  folder: string;
  missing: string;
}

interface Case {
  what: string;
  args: (w: Work) => string[];
  /** 1: refused; 2: a usage error. */
  exit: 1 | 2;
  /** What stderr must say: the input and the reason. */
  stderr: (w: Work) => RegExp;
  /** Runs without `--pond` (the case gives its own, or none). */
  noPond?: boolean;
  env?: Record<string, string>;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LONG = 'x'.repeat(5000);

const CASES: Case[] = [
  // The pond folder itself.
  {
    what: '--pond is a file',
    args: (w) => ['--pond', w.afile, 'list'],
    noPond: true,
    exit: 1,
    stderr: (w) => new RegExp(`no pond at ${esc(w.afile)}: it is a file, not a folder`),
  },
  {
    what: '--pond is below a file',
    args: (w) => ['--pond', join(w.afile, 'sub'), 'describe'],
    noPond: true,
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.afile)} is a file`),
  },
  {
    what: 'init where a file is',
    args: (w) => ['--pond', w.afile, 'init', '--birthplace', 'x'],
    noPond: true,
    exit: 1,
    stderr: (w) => new RegExp(`cannot make a pond at ${esc(w.afile)}: it is a file, not a folder`),
  },
  {
    what: 'init below a file',
    args: (w) => ['--pond', join(w.afile, 'p'), 'init', '--birthplace', 'x'],
    noPond: true,
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.afile)} is a file`),
  },
  {
    what: 'init where a pond is',
    args: () => ['init', '--birthplace', 'again'],
    exit: 1,
    stderr: (w) => new RegExp(`a pond already exists at ${esc(w.pond)}`),
  },
  {
    what: '--pond is a folder that is not a pond',
    args: (w) => ['--pond', w.folder, 'log'],
    noPond: true,
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.folder)} is not a pond`),
  },
  {
    what: '--pond does not exist',
    args: (w) => ['--pond', w.missing, 'show'],
    noPond: true,
    exit: 1,
    stderr: (w) => new RegExp(`no pond at ${esc(w.missing)}`),
  },
  {
    what: '--pond is empty',
    args: () => ['--pond', '', 'list'],
    noPond: true,
    exit: 1,
    stderr: () => /--pond is empty/,
  },
  {
    what: 'POND is empty',
    args: () => ['fsck'],
    noPond: true,
    env: { POND: '' },
    exit: 1,
    stderr: () => /no pond given: use --pond PATH or set the POND environment variable/,
  },
  {
    what: '-d is a file',
    args: (w) => ['-d', w.afile, 'cat', 'host:///f.txt'],
    exit: 1,
    stderr: (w) => new RegExp(`-d ${esc(w.afile)}: it is a file, not a folder`),
  },
  {
    what: '-d does not exist',
    args: (w) => ['-d', w.missing, 'cat', 'host:///f.txt'],
    exit: 1,
    stderr: (w) => new RegExp(`-d ${esc(w.missing)}: ${esc(w.missing)} does not exist`),
  },

  // Names that no host could take back.
  {
    what: 'a 5,000-character name',
    args: (w) => ['copy', `host://${w.dir}/f.txt`, `/a/${LONG}`],
    exit: 1,
    stderr: () => /'x{60}\.\.\.' \(5000 characters\) is not a valid name: .*limited to 255/,
  },
  {
    what: 'a newline in a name',
    args: () => ['mkdir', '/a/x\ny'],
    exit: 1,
    stderr: () => /'x\\ny' is not a valid name: it contains the control character \\n/,
  },
  {
    what: 'a tab in a name',
    args: (w) => ['copy', `host://${w.dir}/f.txt`, '/a/x\ty'],
    exit: 1,
    stderr: () => /'x\\ty' is not a valid name/,
  },
  {
    what: 'DEL in a name',
    args: () => ['mkdir', '/a/x\x7fy'],
    exit: 1,
    stderr: () => /'x\\x7Fy' is not a valid name: .*U\+007F/,
  },
  {
    what: 'a C1 control in a name, made with -p',
    args: () => ['mkdir', '-p', '/new/x\u0085y'],
    exit: 1,
    stderr: () => /'x\\x85y' is not a valid name: .*U\+0085/,
  },
  {
    what: 'a colon in a name',
    args: (w) => ['copy', `host://${w.dir}/f.txt`, '/a/12:00.csv'],
    exit: 1,
    stderr: () => /'12:00\.csv' is not a valid name: it contains ':'/,
  },
  {
    what: 'a Windows device name',
    args: () => ['mkdir', '/a/nul.txt'],
    exit: 1,
    stderr: () => /'nul\.txt' is not a valid name: it is a device name on Windows/,
  },
  {
    what: 'a name ending with a dot',
    args: () => ['mkdir', '/a/report.'],
    exit: 1,
    stderr: () => /'report\.' is not a valid name: it ends with a space or a dot/,
  },
  {
    what: 'a host folder holding a name with a colon',
    args: (w) => ['copy', `host://${w.dir}/colon`, '/a/'],
    exit: 1,
    stderr: (w) =>
      new RegExp(
        `'12:00\\.csv' in ${esc(join(w.dir, 'colon'))} is not a valid name: it contains ':'`,
      ),
  },
  {
    what: 'a host folder holding a name that is not UTF-8',
    args: (w) => ['copy', `host://${w.dir}/latin1`, '/a/'],
    exit: 1,
    stderr: (w) =>
      new RegExp(
        `'caf\uFFFD\\.csv' in ${esc(join(w.dir, 'latin1'))} is not a valid name: .*U\\+FFFD`,
      ),
  },
  {
    what: "copy OUT into the pond's own Delta log (a file there is read as a transaction)",
    args: (w) => ['copy', '/a/f.txt', `host://${w.pond}/data/_delta_log/`],
    exit: 1,
    stderr: (w) =>
      new RegExp(
        `copy OUT would write ${esc(w.pond)}/data/_delta_log.*, inside the pond's own folder`,
      ),
  },
  {
    what: "an export into the pond's own folder",
    args: (w) => ['export', '-p', '/a/s.series', '--dir', join(w.pond, 'data', 'out')],
    exit: 1,
    stderr: (w) =>
      new RegExp(`export would write ${esc(w.pond)}/data/out, inside the pond's own folder`),
  },
  {
    what: 'an empty host folder (it printed "Transaction undefined" and exited 0)',
    args: (w) => ['copy', `host://${w.folder}`, '/a/'],
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.folder)} holds no files: nothing to copy`),
  },
  {
    what: 'a host folder holding a FIFO (it was left out without a word)',
    args: (w) => ['copy', `host://${w.dir}/fifo`, '/a/'],
    exit: 1,
    stderr: (w) =>
      new RegExp(`${esc(join(w.dir, 'fifo', 'pipe'))} is not a regular file or folder \\(a FIFO`),
  },
  {
    what: 'a host folder holding a symlink (it was left out without a word)',
    args: (w) => ['copy', `host+csv+table://${w.dir}/link`, '/a/'],
    exit: 1,
    stderr: (w) =>
      new RegExp(
        `${esc(join(w.dir, 'link', 'b.csv'))} is not a regular file or folder \\(a symlink`,
      ),
  },
  {
    what: 'a dynamic-dir entry name',
    args: (w) => ['mknod', 'dynamic-dir', '/dd', '--config-path', join(w.dir, 'dd.yaml')],
    exit: 1,
    stderr: () => /entries\[0\]\.name: 'a\|b' is not a valid name/,
  },
  {
    what: 'a temporal-reduce out_pattern that makes a name ending with a dot',
    args: (w) => ['mknod', 'temporal-reduce', '/r', '--config-path', join(w.dir, 'reduce.yaml')],
    exit: 1,
    stderr: () => /out_pattern '\$0' gives 'x\.' for \/a\/x\.\.series, which is not a valid name/,
  },
  {
    what: 'an export capture that cannot be a folder name',
    args: (w) => ['export', '-p', '/a/*.series', '--dir', join(w.dir, 'out')],
    exit: 1,
    stderr: () => /capture 'x\.' of '\/a\/x\.\.series' cannot be a folder name/,
  },
  {
    what: 'an apply document path',
    args: (w) => ['apply', '-f', join(w.dir, 'apply.yaml')],
    exit: 1,
    stderr: () => /apply\.yaml\[0\]: 'x:y' is not a valid name/,
  },

  // Patterns and paths in the pond.
  {
    what: "list '['",
    args: () => ['list', '['],
    exit: 1,
    stderr: () => /bad pattern '\[': '\[' is not pattern syntax here/,
  },
  {
    what: "list '{a,b'",
    args: () => ['list', '{a,b'],
    exit: 1,
    stderr: () => /bad pattern '\{a,b': '\{' is not pattern syntax/,
  },
  {
    what: 'list a missing path',
    args: () => ['list', '/missing'],
    exit: 1,
    stderr: () => /'\/missing' does not exist/,
  },
  {
    what: 'list below a missing folder',
    args: () => ['list', '/missing/*.csv'],
    exit: 1,
    stderr: () => /'\/missing' does not exist/,
  },
  {
    what: 'list a glob that matches nothing',
    args: () => ['list', '/a/*.xlsx'],
    exit: 1,
    stderr: () => /nothing matches '\/a\/\*\.xlsx'/,
  },
  {
    what: 'list a glob that matches only hidden names',
    args: () => ['list', '/a/*.secret'],
    exit: 1,
    stderr: () => /nothing matches '\/a\/\*\.secret' \(1 hidden entry does: add -a\)/,
  },
  {
    what: 'list a file as a directory',
    args: () => ['list', '/a/f.txt/'],
    exit: 1,
    stderr: () => /'\/a\/f\.txt' is a data file, not a directory/,
  },
  {
    what: 'describe a bad pattern',
    args: () => ['describe', '**/[x'],
    exit: 1,
    stderr: () => /bad pattern '\*\*\/\[x'/,
  },
  {
    what: 'describe a missing path',
    args: () => ['describe', '/missing'],
    exit: 1,
    stderr: () => /'\/missing' does not exist/,
  },
  {
    what: 'cat a pattern',
    args: () => ['cat', '/a/*'],
    exit: 1,
    stderr: () => /cat reads one file, and '\/a\/\*' is a pattern/,
  },
  {
    what: 'cat a directory',
    args: () => ['cat', '/a'],
    exit: 1,
    stderr: () => /'\/a' is a directory, not a file/,
  },
  {
    what: 'cat below a file',
    args: () => ['cat', '/a/f.txt/x'],
    exit: 1,
    stderr: () => /'\/a\/f\.txt' is not a directory/,
  },
  {
    what: 'copy OUT a missing path',
    args: (w) => ['copy', '/missing', `host://${w.dir}/out`],
    exit: 1,
    stderr: () => /'\/missing' does not exist/,
  },
  {
    what: 'copy OUT a bad pattern',
    args: (w) => ['copy', '[', `host://${w.dir}/out`],
    exit: 1,
    stderr: () => /bad pattern '\['/,
  },
  {
    what: 'copy OUT with one of two patterns missing',
    args: (w) => ['copy', '/a/*', '/nope', `host://${w.dir}/out`],
    exit: 1,
    stderr: () => /'\/nope' does not exist/,
  },
  {
    what: 'copy OUT a directory',
    args: (w) => ['copy', '/a', `host://${w.dir}/out`],
    exit: 1,
    stderr: () => /'\/a' matches no files, only \/a \(directory\).*'\/a\/\*\*'/,
  },
  {
    what: 'export a bad pattern',
    args: (w) => ['export', '-p', '{a', '--dir', join(w.dir, 'out')],
    exit: 1,
    stderr: () => /bad pattern '\{a'/,
  },
  {
    what: 'export a glob that matches nothing',
    args: (w) => ['export', '-p', '/a/*.none', '--dir', join(w.dir, 'out')],
    exit: 1,
    stderr: () => /nothing matches '\/a\/\*\.none'/,
  },
  {
    what: 'mknod with a bad input glob',
    args: (w) => ['mknod', 'sql-derived-series', '/v', '--config-path', join(w.dir, 'glob.yaml')],
    exit: 1,
    stderr: () => /patterns\.source: bad pattern '\/a\/\[x\]\.series'/,
  },

  // Host files where folders are expected, and the reverse.
  {
    what: 'export --dir is a file',
    args: (w) => ['export', '-p', '/a/s.series', '--dir', w.afile],
    exit: 1,
    stderr: (w) => new RegExp(`--dir ${esc(w.afile)}: it is a file, not a folder`),
  },
  {
    what: 'export --dir is below a file',
    args: (w) => ['export', '-p', '/a/s.series', '--dir', join(w.afile, 'out')],
    exit: 1,
    stderr: (w) => new RegExp(`--dir .*: ${esc(w.afile)} is a file`),
  },
  {
    what: 'copy OUT into a file',
    args: (w) => ['copy', '/a/*', `host://${w.afile}`],
    exit: 1,
    stderr: (w) => new RegExp(`host://${esc(w.afile)}: it is a file, not a folder`),
  },
  {
    what: 'copy OUT below a file',
    args: (w) => ['copy', '/a/*', `host://${w.afile}/x`],
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.afile)} is a file`),
  },
  {
    what: 'cat a host folder',
    args: (w) => ['cat', `host://${w.folder}`],
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.folder)} is a folder, not a file`),
  },
  {
    what: 'cat a host folder as a table',
    args: (w) => ['cat', `host+table://${w.folder}`],
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.folder)} is a folder, not a file`),
  },
  {
    what: 'an export template that is a folder',
    args: (w) => [
      'export',
      '-p',
      '/a/s.series',
      '--dir',
      join(w.dir, 'out'),
      '--template',
      `host://${w.folder}`,
    ],
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.folder)} is a folder, not a file`),
  },
  {
    what: 'mknod --config-path is a folder',
    args: (w) => ['mknod', 'temporal-reduce', '/r', '--config-path', w.folder],
    exit: 1,
    stderr: (w) =>
      new RegExp(`cannot read --config-path ${esc(w.folder)}: it is a folder, not a file`),
  },
  {
    what: 'apply -f is a folder',
    args: (w) => ['apply', '-f', w.folder],
    exit: 1,
    stderr: (w) => new RegExp(`cannot read ${esc(w.folder)}: it is a folder, not a file`),
  },
  {
    what: 'copy IN a missing host file',
    args: (w) => ['copy', `host://${w.missing}`, '/a/'],
    exit: 1,
    stderr: (w) => new RegExp(`${esc(w.missing)} does not exist`),
  },
  {
    what: 'copy IN below a pond file',
    args: (w) => ['copy', `host://${w.dir}/f.txt`, '/a/f.txt/x'],
    exit: 1,
    stderr: () => /'\/a\/f\.txt' is not a directory/,
  },
  {
    what: 'copy IN under a missing pond folder',
    args: (w) => ['copy', `host://${w.dir}/f.txt`, '/nope/x/y'],
    exit: 1,
    stderr: () => /'\/nope' does not exist/,
  },
  {
    what: 'mkdir below a file',
    args: () => ['mkdir', '-p', '/a/f.txt/x'],
    exit: 1,
    stderr: () => /'\/a\/f\.txt' exists and is not a directory/,
  },

  // Bad values.
  {
    what: '--as-of that is not a time',
    args: () => ['list', '/a/', '--as-of', 'yesterday'],
    exit: 1,
    stderr: () => /--as-of .*'yesterday' is not a time/,
  },
  {
    what: '--as-of beyond the last transaction',
    args: () => ['cat', '/a/f.txt', '--as-of', '99999999999999999999'],
    exit: 1,
    stderr: () => /--as-of 99999999999999999999: transaction 99999999999999999999 does not exist/,
  },
  {
    what: '--as-of 0',
    args: () => ['describe', '/a/f.txt', '--as-of', '0'],
    exit: 1,
    stderr: () => /transaction 0 does not exist/,
  },
  {
    what: '--as-of before the pond',
    args: (w) => ['copy', '/a/*', `host://${w.dir}/out`, '--as-of', '2000-01-01'],
    exit: 1,
    stderr: () => /no transaction at or before 2000-01-01/,
  },
  {
    what: '--as-of an impossible date',
    args: (w) => [
      'export',
      '-p',
      '/a/s.series',
      '--dir',
      join(w.dir, 'out'),
      '--as-of',
      '2024-02-31',
    ],
    exit: 1,
    stderr: () => /'2024-02-31' is not a time/,
  },
  {
    what: '--time-start that is not a time',
    args: () => ['cat', '/a/s.series', '--format', 'csv', '--time-start', '12/31/2024'],
    exit: 1,
    stderr: () => /--time-start: '12\/31\/2024' is not a time/,
  },
  {
    what: '--format unknown',
    args: () => ['cat', '/a/s.series', '--format', 'xml'],
    exit: 1,
    stderr: () => /--format must be one of .*not 'xml'/,
  },
  {
    what: '--temporal out of order',
    args: (w) => [
      'export',
      '-p',
      '/a/s.series',
      '--dir',
      join(w.dir, 'out'),
      '--temporal',
      'month,year',
    ],
    exit: 1,
    stderr: () => /--temporal 'month,year'/,
  },
  {
    what: '--limit 0',
    args: () => ['log', '--limit', '0'],
    exit: 1,
    stderr: () => /--limit must be a whole number from 1 .*not '0'/,
  },
  {
    what: '--limit 1e3',
    args: () => ['log', '--limit', '1e3'],
    exit: 1,
    stderr: () => /--limit must be a whole number .*not '1e3'/,
  },
  {
    what: '--log-retention-days empty (Number would read 0)',
    args: () => ['maintain', '--log-retention-days', ''],
    exit: 1,
    stderr: () => /--log-retention-days must be a number from 0 to 36500, not ''/,
  },
  {
    what: '--log-retention-days negative',
    args: () => ['maintain', '--log-retention-days=-1'],
    exit: 1,
    stderr: () => /--log-retention-days must be a number .*not '-1'/,
  },
  {
    what: '--port out of range',
    args: () => ['serve', '--port', '70000'],
    exit: 1,
    stderr: () => /--port must be a whole number from 0 to 65535, not '70000'/,
  },
  {
    what: 'copy with one argument',
    args: () => ['copy', '/a/f.txt'],
    exit: 1,
    stderr: () => /copy needs at least one source and a destination/,
  },
  {
    what: 'an unknown flag',
    args: () => ['list', '--bogus'],
    exit: 2,
    stderr: () => /unknown option '--bogus'/,
  },
  {
    what: 'an unknown command',
    args: () => ['lsit'],
    exit: 2,
    stderr: () => /unknown command 'lsit'/,
  },
  {
    what: 'a missing argument',
    args: () => ['mkdir'],
    exit: 2,
    stderr: () => /missing required argument 'path'/,
  },
  {
    what: 'a missing required flag',
    args: () => ['mknod', 'temporal-reduce', '/r'],
    exit: 2,
    stderr: () => /required option '--config-path <file>' not specified/,
  },
  {
    what: 'export without --dir or --profile',
    args: () => ['export', '-p', '/a/s.series'],
    exit: 1,
    stderr: () => /export needs --dir \(or a --profile\)/,
  },
];

describe('adversarial arguments', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let w: Work;
  let log: string;
  let fsck: string;

  const run = (c: Case): Promise<RunResult> =>
    runPond(c.noPond ? c.args(w) : ['--pond', w.pond, ...c.args(w)], {
      env: { POND: '', ...c.env },
      cwd: w.dir,
    });
  const ok = async (...args: string[]) => {
    const r = await runPond(['--pond', w.pond, ...args]);
    if (r.code !== 0) throw new Error(`pond ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    t = await tempDir('pond-adversarial-');
    w = {
      dir: t.dir,
      pond: t.pond,
      afile: join(t.dir, 'afile'),
      folder: join(t.dir, 'folder'),
      missing: join(t.dir, 'missing'),
    };
    await writeText(w.afile, 'not a folder\n');
    await mkdir(w.folder);
    await writeText(join(t.dir, 'f.txt'), 'hello\n');
    await writeText(join(t.dir, 's.csv'), 'timestamp,v\n2024-01-01 00:00:00,1\n');
    await mkdir(join(t.dir, 'colon'));
    await writeText(join(t.dir, 'colon', 'ok.csv'), 'a\n1\n');
    await writeText(join(t.dir, 'colon', '12:00.csv'), 'a\n2\n');
    await mkdir(join(t.dir, 'fifo'));
    await writeText(join(t.dir, 'fifo', 'ok.txt'), 'a\n');
    execFileSync('mkfifo', [join(t.dir, 'fifo', 'pipe')]);
    await mkdir(join(t.dir, 'link'));
    await writeText(join(t.dir, 'link', 'a.csv'), 'a\n1\n');
    await symlink(join(t.dir, 's.csv'), join(t.dir, 'link', 'b.csv'));
    await mkdir(join(t.dir, 'latin1'));
    await writeFile(Buffer.from(join(t.dir, 'latin1', 'caf\xe9.csv'), 'latin1'), 'a\n1\n');
    await writeText(
      join(t.dir, 'dd.yaml'),
      'entries:\n  - { name: "a|b", factory: sql-derived-table, config: { patterns: { source: "/a/s.series" } } }\n',
    );
    await writeText(
      join(t.dir, 'apply.yaml'),
      'version: v1\nkind: mkdir\nmetadata: { path: "/a/x:y" }\n',
    );
    await writeText(
      join(t.dir, 'reduce.yaml'),
      'in_pattern: "series:///a/*.series"\nout_pattern: "$0"\nresolutions: ["1h"]\naggregations: [{ type: avg }]\n',
    );
    await writeText(join(t.dir, 'glob.yaml'), 'patterns: { source: "series:///a/[x].series" }\n');
    await ok('init', '--birthplace', 'adversarial');
    await ok('mkdir', '/a');
    await ok('copy', `host://${t.dir}/f.txt`, '/a/f.txt');
    await ok('copy', `host://${t.dir}/f.txt`, '/a/.hidden.secret');
    await ok('copy', `host+csv+series://${t.dir}/s.csv`, '/a/s.series');
    // A valid name whose `*.series` capture, 'x.', is not.
    await ok('copy', `host+csv+series://${t.dir}/s.csv`, '/a/x..series');
    log = await ok('log', '--limit', '1000');
    fsck = await ok('fsck');
  });
  afterAll(async () => t.cleanup());

  /**
   * Every file and folder under the temp folder (the pond and the host files around it), files
   * with their size and time. Paths are read as bytes: one of the host names is not UTF-8.
   */
  async function state(): Promise<string[]> {
    const out: string[] = [];
    const cache = Buffer.from(join(w.pond, 'cache'));
    const walk = async (d: Buffer) => {
      for (const name of await readdir(d, { encoding: 'buffer' })) {
        const p = Buffer.concat([d, Buffer.from('/'), name]);
        if (p.equals(cache)) continue; // derived, safe to delete (DESIGN §3)
        const s = await lstat(p);
        const rel = p.subarray(w.dir.length + 1).toString('latin1');
        // A folder's time changes with the write lock coming and going; its entries are listed.
        out.push(s.isDirectory() ? `${rel}/` : `${rel} ${s.size} ${s.mtimeMs}`);
        if (s.isDirectory()) await walk(p);
      }
    };
    await walk(Buffer.from(w.dir));
    return out.sort();
  }

  it.each(CASES.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const before = await state();
    const r = await run(c);
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(c.exit);
    expect(r.stderr).toMatch(c.stderr(w));
    expect(r.stderr).not.toMatch(/internal error|INTERNAL|\n\s+at /);
    if (c.exit === 1) expect(r.stderr).toMatch(/^pond: [^\n]+\n$/);
    expect(await state()).toEqual(before);
  });

  it('unreadable files and folders, and a read-only destination', async () => {
    // chmod 000 stops everyone but root; as root, the commands run as nobody (setpriv).
    const asRoot = process.getuid?.() === 0;
    if (asRoot && !existsSync('/usr/bin/setpriv')) {
      console.log('skipped: running as root without /usr/bin/setpriv to drop privileges');
      return;
    }
    await chmod(w.dir, 0o755);
    const secret = join(w.dir, 'secret.txt');
    const locked = join(w.dir, 'locked');
    const readOnly = join(w.dir, 'read-only');
    await writeText(secret, 'secret\n');
    await chmod(secret, 0o000);
    await mkdir(locked, { mode: 0o000 });
    await mkdir(readOnly, { mode: 0o555 });
    const cases: Case[] = [
      {
        what: 'cat an unreadable host file',
        args: () => ['cat', `host://${secret}`],
        noPond: true,
        exit: 1,
        stderr: () => new RegExp(`cannot open ${esc(secret)}: permission denied`),
      },
      {
        what: 'an unreadable --config-path',
        args: () => ['mknod', 'temporal-reduce', '/r', '--config-path', secret],
        exit: 1,
        stderr: () => new RegExp(`cannot read --config-path ${esc(secret)}: permission denied`),
      },
      {
        what: 'an unreadable template',
        args: () => [
          'export',
          '-p',
          '/a/s.series',
          '--dir',
          join(readOnly, 'never'),
          '--template',
          `host://${secret}`,
        ],
        exit: 1,
        stderr: () => new RegExp(`cannot open ${esc(secret)}: permission denied`),
      },
      {
        what: 'a pond folder that cannot be read',
        args: () => ['--pond', locked, 'list'],
        noPond: true,
        exit: 1,
        stderr: () => new RegExp(`${esc(locked)}.*permission denied`),
      },
      {
        what: 'copy OUT into a read-only folder',
        args: () => ['copy', '/a/*', `host://${readOnly}/out`],
        exit: 1,
        stderr: () => new RegExp(`cannot mkdir ${esc(join(readOnly, 'out'))}: permission denied`),
      },
      {
        what: 'export into a read-only folder',
        args: () => ['export', '-p', '/a/s.series', '--dir', readOnly],
        exit: 1,
        stderr: () => new RegExp(`${esc(readOnly)}.*permission denied`),
      },
    ];
    for (const c of cases) {
      const before = await state();
      const args = c.noPond ? c.args(w) : ['--pond', w.pond, ...c.args(w)];
      const r = asRoot
        ? await runAsNobody(args, w.dir)
        : await runPond(args, { env: { POND: '' } });
      expect(r.code, `${c.what}\nstderr: ${r.stderr}`).toBe(c.exit);
      expect(r.stderr, c.what).toMatch(c.stderr(w));
      expect(r.stderr, c.what).not.toMatch(/internal error/);
      expect(await state(), c.what).toEqual(before);
    }
    await chmod(secret, 0o644);
    await chmod(locked, 0o755);
    await chmod(readOnly, 0o755);
  });

  it('a read with an empty POND is a read without a pond', async () => {
    const r = await runPond(['cat', `host://${w.dir}/f.txt`], { env: { POND: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello\n');
  });

  it('after all that, the log and fsck say what they said before', async () => {
    expect(await ok('log', '--limit', '1000')).toBe(log);
    const strip = (s: string) => s.replace(/^Checked.*\n/, '');
    expect(strip(await ok('fsck'))).toBe(strip(fsck));
    expect(fsck).toMatch(/\nOK\n$/);
  });
});

/** Runs the pond binary as the unprivileged user nobody, so file permissions apply to it. */
function runAsNobody(args: string[], home: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      '/usr/bin/setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, POND_BIN, ...args],
      { env: { ...process.env, POND: '', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}
