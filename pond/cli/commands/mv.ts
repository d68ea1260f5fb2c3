import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';
import { warnReaders } from './edit-report.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const moveModule = () => import('../../service/move.js');

export function registerMv(command: Command, ctx: CliContext): void {
  command.action(async (paths: string[]) => {
    if (paths.length < 2) {
      throw new PondError(ErrorCode.InvalidArgument, 'mv needs a source and a destination');
    }
    await ctx.withPond(async (pond) => {
      const r = await (
        await moveModule()
      ).moveInPond(
        pond,
        await ctx.registry(),
        { sources: paths.slice(0, -1), dest: paths[paths.length - 1]! },
        ctx.meta,
      );
      let out = '';
      for (const c of r.changes) out += `Moved ${c.from} -> ${c.path} [${c.kind}]\n`;
      out += `Transaction ${r.txn}\n`;
      await writeOut(out);
      warnReaders(r);
    });
  });
}
