import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';
import { warnReaders } from './edit-report.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const removeModule = () => import('../../service/remove.js');

export function registerRm(command: Command, ctx: CliContext): void {
  command
    .option('-r, --recursive', 'remove a directory that has entries, with everything in it')
    .action(async (paths: string[], o: { recursive?: boolean }) => {
      await ctx.withPond(async (pond) => {
        const r = await (
          await removeModule()
        ).removeFromPond(
          pond,
          await ctx.registry(),
          { paths, recursive: o.recursive ?? false },
          ctx.meta,
        );
        let out = '';
        for (const c of r.changes) {
          out += `Removed ${c.path} [${c.kind}] (bring it back: pond restore ${c.path} --as-of ${r.txn! - 1})\n`;
        }
        out += `Transaction ${r.txn}\n`;
        await writeOut(out);
        warnReaders(r);
      });
    });
}
