import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';

export function registerMkdir(command: Command, ctx: CliContext): void {
  command
    .option('-p, --parents', 'create missing parents; an existing directory is fine')
    .action(async (path: string, o: { parents?: boolean }) => {
      await ctx.withPond(async (pond) => {
        const r = await pond.write(ctx.meta, async (txn) =>
          (await txn.wd()).mkdir(path, { parents: o.parents ?? false }),
        );
        await writeOut(
          r.seq === undefined
            ? `${path} already exists\n`
            : `Created ${path} (transaction ${r.seq})\n`,
        );
      });
    });
}
