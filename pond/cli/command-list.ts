import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** Adds a command's options, subcommands and action to the command made from its spec. */
export type Register = (command: Command, ctx: CliContext) => void;

/**
 * One `pond` command: what help lists for it (name, summary, arguments, whether it takes
 * options) and the module that adds the rest. Help is printed from these specs alone, and a
 * command line loads only the module of the command it runs; each module loads the engine it
 * needs (DuckDB, Arrow, the factories) only when its command runs, so `--help`, `--version` and
 * usage errors never wait for them (bench/cli-start.ts). `command-list.test.ts` checks that
 * `options` says what the module really adds.
 */
export interface CommandSpec {
  name: string;
  summary: string;
  /** `[name, description, default?]` as commander's `.argument()` takes them. */
  args?: [string, string, string?][];
  /** Whether the module adds options (help then prints `[options]` after the name). */
  options: boolean;
  load: () => Promise<Register>;
}

/** Every command, in the order help lists them. */
export const COMMANDS: CommandSpec[] = [
  {
    name: 'init',
    summary: 'create a new, empty pond at --pond or $POND',
    options: true,
    load: async () => (await import('./commands/init.js')).registerInit,
  },
  {
    name: 'mkdir',
    summary: 'create a directory (the parent must exist unless -p)',
    args: [['<path>', 'pond path of the new directory']],
    options: true,
    load: async () => (await import('./commands/mkdir.js')).registerMkdir,
  },
  {
    name: 'list',
    summary:
      "list entries matching a glob (default: every file; '/' the root; 'dir/' a directory's entries)",
    args: [['[pattern]', 'glob pattern with * and **']],
    options: true,
    load: async () => (await import('./commands/list.js')).registerList,
  },
  {
    name: 'describe',
    summary: 'show type, format, schema, timestamp column and versions of matching files',
    args: [['[pattern]', 'glob pattern (default: every file)']],
    options: true,
    load: async () => (await import('./commands/describe.js')).registerDescribe,
  },
  {
    name: 'cat',
    summary: 'read a file: data as bytes; tables and series as rows (SQL over `source`)',
    args: [
      [
        '<path>',
        'a pond path or URL (csv:///p, series:///p, host+csv:///f.csv, host+table:///f.parquet, host+delta:///dir?version=N)',
      ],
    ],
    options: true,
    load: async () => (await import('./commands/cat.js')).registerCat,
  },
  {
    name: 'copy',
    summary:
      'copy host files into the pond (sources host:///...), or pond files out (destination host:///DIR)',
    args: [['<paths...>', 'sources then destination']],
    options: true,
    load: async () => (await import('./commands/copy.js')).registerCopy,
  },
  {
    name: 'mv',
    summary:
      'rename or move within the pond (the node keeps its id and versions); DST may be an existing directory',
    args: [['<paths...>', 'sources then destination']],
    options: false,
    load: async () => (await import('./commands/mv.js')).registerMv,
  },
  {
    name: 'rm',
    summary:
      'remove entries from their directories; their versions stay readable with --as-of and can be restored',
    args: [['<paths...>', 'pond paths']],
    options: true,
    load: async () => (await import('./commands/rm.js')).registerRm,
  },
  {
    name: 'restore',
    summary:
      'make a path (and everything under it) as it was at an earlier transaction, as new versions; brings back removed entries',
    args: [['<path>', 'pond path']],
    options: true,
    load: async () => (await import('./commands/restore.js')).registerRestore,
  },
  {
    name: 'revert',
    summary:
      'a new transaction that undoes what transaction N changed (refused when later transactions changed the same paths, unless --force)',
    args: [['<txn>', 'the transaction number (see pond log)']],
    options: true,
    load: async () => (await import('./commands/revert.js')).registerRevert,
  },
  {
    name: 'export',
    summary:
      'write tables and series as Hive-partitioned Parquet or CSV (and data files as bytes), with metadata and pages',
    options: true,
    load: async () => (await import('./commands/export.js')).registerExport,
  },
  {
    name: 'log',
    summary: "the pond's transactions, newest first: number, time, command, what changed",
    options: true,
    load: async () => (await import('./commands/log.js')).registerLog,
  },
  {
    name: 'show',
    summary: 'dump the oplog: every stored version of every node, by transaction',
    options: false,
    load: async () => (await import('./commands/show.js')).registerShow,
  },
  {
    name: 'fsck',
    summary:
      'check the pond: re-hash content and blobs, find missing files, leftovers and foreign files (exit 1 on damage)',
    options: false,
    load: async () => (await import('./commands/fsck.js')).registerFsck,
  },
  {
    name: 'maintain',
    summary:
      'checkpoint the log, compact small oplog files, vacuum retired files, remove leftovers of the pond (never foreign files)',
    options: true,
    load: async () => (await import('./commands/maintain.js')).registerMaintain,
  },
  {
    name: 'mknod',
    summary:
      'create a factory node (a derived file or directory) from a YAML config; it is checked and built before anything is written',
    args: [
      ['<factory>', 'the factory (see pond list-factories)'],
      ['<path>', 'pond path of the new node'],
    ],
    options: true,
    load: async () => (await import('./commands/mknod.js')).registerMknod,
  },
  {
    name: 'apply',
    summary:
      'make YAML documents (kind: mkdir, copy, mknod) true in one transaction; everything is checked first',
    options: true,
    load: async () => (await import('./commands/apply.js')).registerApply,
  },
  {
    name: 'run',
    summary:
      'run a command of an executable factory node (a collector): hydrovu collect, logfile-ingest ...',
    args: [
      ['<path>', 'the node (made with pond mknod)'],
      ['[command]', "the factory's command (default: its first)"],
      ['[args...]', 'arguments of the command'],
    ],
    options: true,
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'list-factories',
    summary: 'the factories pond mknod and pond apply can use',
    options: false,
    load: async () => (await import('./commands/list-factories.js')).registerListFactories,
  },
  {
    name: 'serve',
    summary:
      'serve the app to a browser: the pond over HTTP on 127.0.0.1, every request guarded by a per-run token',
    options: true,
    load: async () => (await import('./commands/serve.js')).registerServe,
  },
  {
    name: 'backup',
    summary: 'backups and replicas of the pond on file:// folders or s3:// buckets',
    options: false,
    load: async () => (await import('./commands/backup.js')).registerBackup,
  },
  {
    name: 'push',
    summary:
      'send the transactions a backup lacks (every backup without NAME); only missing objects travel',
    args: [['[name]', 'the backup (pond backup list)']],
    options: false,
    load: async () => (await import('./commands/push.js')).registerPush,
  },
  {
    name: 'pull',
    summary: 'bring this replica up to date from its source (the only remote, or NAME)',
    args: [['[name]', 'the remote (pond backup list)']],
    options: false,
    load: async () => (await import('./commands/pull.js')).registerPull,
  },
  {
    name: 'verify',
    summary:
      'compare a backup with this pond (up to date, behind by N, diverged) and re-hash its objects (exit 1 on damage or divergence)',
    args: [['[name]', 'the backup (every one without NAME)']],
    options: true,
    load: async () => (await import('./commands/verify.js')).registerVerify,
  },
  {
    name: 'mirror',
    summary:
      'keep a host folder with the pond files as plain files (data as bytes, tables and series as Parquet), rewriting only what changed',
    args: [
      ['<dir>', 'the host folder (made if missing; holds .pond-mirror.json)'],
      ['[pattern]', 'which files (default: every file)', '**/*'],
    ],
    options: true,
    load: async () => (await import('./commands/mirror.js')).registerMirror,
  },
];
