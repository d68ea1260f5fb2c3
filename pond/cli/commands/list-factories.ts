import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';

export function registerListFactories(command: Command, ctx: CliContext): void {
  command.action(async () => {
    const rows = (await ctx.registry())
      .list()
      .map((f) => [
        f.name,
        f.executable ? 'run' : f.entryType,
        f.executable
          ? `${f.description} (pond run commands: ${f.executable.commands.map((c) => c.name).join(', ')})`
          : f.description,
      ]);
    const w0 = Math.max(...rows.map((r) => r[0]!.length));
    const w1 = Math.max(...rows.map((r) => r[1]!.length));
    await writeOut(rows.map(([n, t, d]) => `${n!.padEnd(w0)}  ${t!.padEnd(w1)}  ${d}\n`).join(''));
  });
}
