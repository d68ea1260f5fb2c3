import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../command-list.js';
import { CliContext } from '../context.js';
import { runPond } from './run-pond.js';

// `pond --help` is printed from the command specs without loading the commands' modules; these
// tests keep the specs true to what the modules add.
describe('command specs', () => {
  it('each spec says whether its module adds options, and arguments come only from the spec', async () => {
    const ctx = new CliContext([], () => ({}));
    for (const spec of COMMANDS) {
      const command = new Command(spec.name);
      (await spec.load())(command, ctx);
      expect({ name: spec.name, options: command.options.length > 0 }).toEqual({
        name: spec.name,
        options: spec.options,
      });
      expect({ name: spec.name, args: command.registeredArguments.length }).toEqual({
        name: spec.name,
        args: 0,
      });
    }
  });

  it("the top-level help lists each command as the command's own help names it", async () => {
    const top = await runPond(['--help']);
    expect(top.code).toBe(0);
    const commands = top.stdout.slice(top.stdout.indexOf('Commands:'));
    const listed = [...commands.matchAll(/^ {2}([a-z-]+)(.*?) {2,}\S/gm)];
    const terms = new Map(listed.map((m) => [m[1]!, `${m[1]!}${m[2]!}`]));
    expect([...terms.keys()].filter((n) => n !== 'help')).toEqual(COMMANDS.map((c) => c.name));
    for (const spec of COMMANDS) {
      const own = await runPond([spec.name, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout.replace(/\s+/g, ' ')).toContain(spec.summary);
      // Its own usage always says `[options]` (for --help) and `[command]` when it has subcommands;
      // the list says `[options]` only when it takes options besides --help.
      const options = own.stdout.slice(own.stdout.indexOf('Options:')).split('\n');
      const takesOptions = options.some((l) => /^ {2}-/.test(l) && !l.includes('--help'));
      let usage = /^Usage: pond (.*)$/m.exec(own.stdout)![1]!.replace(/ \[command\]$/, '');
      if (!takesOptions) usage = usage.replace(' [options]', '');
      expect(usage).toBe(terms.get(spec.name));
    }
  });
});
