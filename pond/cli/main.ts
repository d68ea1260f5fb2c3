import type { Command } from 'commander';
import { ErrorCode, toErrorInfo } from '../../shared/errors.js';
import { appVersion } from '../service/app-version.js';
import { CliContext, type GlobalOptions } from './context.js';
import { printErr } from './output.js';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every command, in the order help lists them, and the module that defines it. A command line
 * loads only the module of the command it runs (help and unknown commands load them all); each
 * module loads the engine it needs (DuckDB, Arrow, the factories) only when its command runs, so
 * `--help`, `--version` and usage errors never wait for them (bench/cli-start.ts).
 */
const COMMANDS: [string, () => Promise<Register>][] = [
  ['init', async () => (await import('./commands/init.js')).registerInit],
  ['mkdir', async () => (await import('./commands/mkdir.js')).registerMkdir],
  ['list', async () => (await import('./commands/list.js')).registerList],
  ['describe', async () => (await import('./commands/describe.js')).registerDescribe],
  ['cat', async () => (await import('./commands/cat.js')).registerCat],
  ['copy', async () => (await import('./commands/copy.js')).registerCopy],
  ['mv', async () => (await import('./commands/mv.js')).registerMv],
  ['rm', async () => (await import('./commands/rm.js')).registerRm],
  ['restore', async () => (await import('./commands/restore.js')).registerRestore],
  ['revert', async () => (await import('./commands/revert.js')).registerRevert],
  ['export', async () => (await import('./commands/export.js')).registerExport],
  ['log', async () => (await import('./commands/log.js')).registerLog],
  ['show', async () => (await import('./commands/show.js')).registerShow],
  ['fsck', async () => (await import('./commands/fsck.js')).registerFsck],
  ['maintain', async () => (await import('./commands/maintain.js')).registerMaintain],
  ['mknod', async () => (await import('./commands/mknod.js')).registerMknod],
  ['apply', async () => (await import('./commands/apply.js')).registerApply],
  ['run', async () => (await import('./commands/run.js')).registerRun],
  [
    'list-factories',
    async () => (await import('./commands/list-factories.js')).registerListFactories,
  ],
  ['serve', async () => (await import('./commands/serve.js')).registerServe],
  ['backup', async () => (await import('./commands/backup.js')).registerBackup],
  ['push', async () => (await import('./commands/push.js')).registerPush],
  ['pull', async () => (await import('./commands/pull.js')).registerPull],
  ['verify', async () => (await import('./commands/verify.js')).registerVerify],
  ['mirror', async () => (await import('./commands/mirror.js')).registerMirror],
];

/** The command a command line names: its first word that is not a global option or its value. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--pond' || a === '-d' || a === '--directory') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Runs the `pond` command line; returns the exit code. Errors go to stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  // Scripts ask for the version to check what is installed: answer before loading anything.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  const { Command, CommanderError } = await import('commander');
  const program = new Command('pond')
    .description('Pond: a local-first, transactional, versioned file system for operational data')
    .option('--pond <path>', 'the pond folder (default: $POND)')
    .option('-d, --directory <dir>', 'host paths (host:///...) resolve inside this folder')
    .version(appVersion(), '-V, --version', 'print the version of pond')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const ctx = new CliContext(argv, () => program.opts<GlobalOptions>());
  const name = commandName(argv);
  const wanted = COMMANDS.filter(([n]) => n === name);
  for (const [, load] of wanted.length === 1 ? wanted : COMMANDS) (await load())(program, ctx);
  for (const c of program.commands) c.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' ? 0 : 2;
    }
    // Exit 1: the input or the host refused (the message names which and why); 70: a bug.
    const info = toErrorInfo(e);
    if (info.code !== ErrorCode.Internal) {
      printErr(`pond: ${info.message}`);
      return 1;
    }
    printErr(`pond: internal error: ${info.message}`);
    if (process.env['POND_DEBUG']) printErr((e as Error).stack ?? '');
    return 70;
  }
}
