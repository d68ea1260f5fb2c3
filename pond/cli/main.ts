import { Command, CommanderError } from 'commander';
import { ErrorCode, isPondError, messageOf } from '../../shared/errors.js';
import { registerCat } from './commands/cat.js';
import { registerCopy } from './commands/copy.js';
import { registerDescribe } from './commands/describe.js';
import { registerExport } from './commands/export.js';
import { registerFsck } from './commands/fsck.js';
import { registerInit } from './commands/init.js';
import { registerApply } from './commands/apply.js';
import { registerList } from './commands/list.js';
import { registerListFactories } from './commands/list-factories.js';
import { registerLog } from './commands/log.js';
import { registerMaintain } from './commands/maintain.js';
import { registerMkdir } from './commands/mkdir.js';
import { registerMknod } from './commands/mknod.js';
import { registerMv } from './commands/mv.js';
import { registerRestore } from './commands/restore.js';
import { registerRevert } from './commands/revert.js';
import { registerRm } from './commands/rm.js';
import { registerServe } from './commands/serve.js';
import { registerShow } from './commands/show.js';
import { CliContext, type GlobalOptions } from './context.js';
import { printErr } from './output.js';

/** Runs the `pond` command line; returns the exit code. Errors go to stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('pond')
    .description('Pond: a local-first, transactional, versioned file system for operational data')
    .option('--pond <path>', 'the pond folder (default: $POND)')
    .option('-d, --directory <dir>', 'host paths (host:///...) resolve inside this folder')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const ctx = new CliContext(argv, () => program.opts<GlobalOptions>());
  for (const register of [
    registerInit,
    registerMkdir,
    registerList,
    registerDescribe,
    registerCat,
    registerCopy,
    registerMv,
    registerRm,
    registerRestore,
    registerRevert,
    registerExport,
    registerLog,
    registerShow,
    registerFsck,
    registerMaintain,
    registerMknod,
    registerApply,
    registerListFactories,
    registerServe,
  ]) {
    register(program, ctx);
  }
  for (const c of program.commands) c.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' ? 0 : 2;
    }
    if (isPondError(e)) {
      printErr(`pond: ${e.message}`);
      return e.code === ErrorCode.Internal ? 70 : 1;
    }
    printErr(`pond: internal error: ${messageOf(e)}`);
    if (process.env['POND_DEBUG']) printErr((e as Error).stack ?? '');
    return 70;
  }
}
