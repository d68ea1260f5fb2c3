import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';
import { warnReaders } from './edit-report.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const restoreModule = () => import('../../service/restore.js');

export function registerRestore(command: Command, ctx: CliContext): void {
  command
    .requiredOption('--as-of <txn|time>', 'the transaction number or time to go back to')
    .action(async (path: string, o: { asOf: string }) => {
      await ctx.withPond(async (pond) => {
        const asOf = await ctx.asOf(pond, o.asOf);
        if (asOf === undefined) {
          throw new PondError(ErrorCode.InvalidArgument, 'restore needs --as-of', {
            input: path,
          });
        }
        const r = await (
          await restoreModule()
        ).restoreInPond(pond, await ctx.registry(), { path, asOf }, ctx.meta);
        if (r.txn === undefined) {
          await writeOut(`${path} is already as it was at transaction ${asOf} (no transaction)\n`);
          return;
        }
        let out = '';
        for (const c of r.changes) {
          if (c.action === 'removed')
            out += `Removed ${c.path} [${c.kind}] (not there at transaction ${asOf})\n`;
          else if (c.action === 'moved')
            out += `Moved ${c.from} -> ${c.path} [${c.kind}] (where it was at transaction ${asOf})\n`;
          else out += `Restored ${c.path} [${c.kind}] as of transaction ${asOf}\n`;
        }
        out += `Transaction ${r.txn}\n`;
        await writeOut(out);
        warnReaders(r);
      });
    });
}
