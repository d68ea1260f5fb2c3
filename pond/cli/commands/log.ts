import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { wholeNumberFlag } from '../numeric-flag.js';
import { formatTime } from '../format/sizes.js';
import { writeOut } from '../output.js';

export function registerLog(command: Command, ctx: CliContext): void {
  command
    .option('--limit <n>', 'how many transactions', '10')
    .action(async (o: { limit: string }) => {
      const limit = wholeNumberFlag('--limit', o.limit, { min: 1 });
      const { history } = await import('../../service/history.js');
      await ctx.withPond(async (pond) => {
        let out = '';
        for (const t of await history(pond, { limit })) {
          const who = t.user ? ` ${t.user}@${t.host}` : '';
          const what = t.command.length > 0 ? t.command.join(' ') : t.operation.toLowerCase();
          out += `Transaction ${t.seq}  ${formatTime(t.timestamp)}${who}  ${t.operation}\n  ${what}\n`;
          if (t.reverts !== undefined) out += `  reverts transaction ${t.reverts}\n`;
          for (const c of t.changes) {
            const note =
              c.from !== undefined
                ? ` (from ${c.from})`
                : c.asOf !== undefined
                  ? ` (as of transaction ${c.asOf})`
                  : '';
            out += `    ${c.action.padEnd(11)} ${c.type.padEnd(9)} ${c.path}${note}\n`;
          }
          if (t.changesTotal > t.changes.length)
            out += `    ... and ${t.changesTotal - t.changes.length} more\n`;
        }
        await writeOut(out);
      });
    });
}
