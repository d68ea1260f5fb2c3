import type { Command } from 'commander';
import { ErrorCode, toErrorInfo } from '../../shared/errors.js';
import { appVersion } from '../service/app-version.js';
import { COMMANDS, type CommandSpec } from './command-list.js';
import { commandName } from './command-name.js';
import { CliContext, type GlobalOptions } from './context.js';
import { printErr } from './output.js';

/** The command whose module a command line needs: the one it runs, or the one `help` is asked about. */
function helpedCommand(argv: string[]): string | undefined {
  const name = commandName(argv);
  if (name !== 'help') return name;
  return commandName(argv.slice(argv.indexOf('help') + 1));
}

/** The command as help lists it, before its module adds options and an action. */
function addCommand(program: Command, spec: CommandSpec): Command {
  const command = program.command(spec.name).description(spec.summary).exitOverride();
  for (const [name, description, fallback] of spec.args ?? []) {
    command.argument(name, description, fallback);
  }
  return command;
}

/** Whether `name` is a `pond` command (the bundle's loader keeps a code cache for each). */
export function isCommandName(name: string): boolean {
  return COMMANDS.some((spec) => spec.name === name);
}

/** Runs the `pond` command line; returns the exit code. Errors go to stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const { Command, CommanderError, Help } = await import('commander');
  const program = new Command('pond')
    .description('Pond: a local-first, transactional, versioned file system for operational data')
    .option('--pond <path>', 'the pond folder (default: $POND)')
    .option('-d, --directory <dir>', 'host paths (host:///...) resolve inside this folder')
    .version(appVersion(), '-V, --version', 'print the version of pond')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const ctx = new CliContext(argv, () => program.opts<GlobalOptions>());
  const specs = new Map(COMMANDS.map((spec) => [spec.name, spec]));
  program.configureHelp({
    // A command whose module is not loaded has no options yet: its spec says whether it takes any.
    subcommandTerm(cmd) {
      const spec = cmd.parent === program ? specs.get(cmd.name()) : undefined;
      const term = Help.prototype.subcommandTerm.call(this, cmd);
      if (!spec?.options || cmd.options.length > 0) return term;
      return `${cmd.name()} [options]${term.slice(cmd.name().length)}`;
    },
  });
  const wanted = helpedCommand(argv);
  for (const spec of COMMANDS) {
    const command = addCommand(program, spec);
    if (spec.name === wanted) (await spec.load())(command, ctx);
  }

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
