import type { Command } from 'commander';
import { fsck } from '../../tlogfs/fsck.js';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';

export function registerFsck(program: Command, ctx: CliContext): void {
  program
    .command('fsck')
    .description(
      'check the pond: re-hash content and blobs, find missing and orphan files (exit 1 on damage)',
    )
    .action(async () => {
      await ctx.withPond(async (pond) => {
        const r = await fsck(pond);
        let out = `Checked transaction ${r.version}: ${r.liveFiles} oplog files, ${r.rows} rows, ${r.blobs} blobs\n`;
        out += `Digest ${r.digest}\n`;
        for (const p of r.problems) out += `DAMAGE ${p.kind}: ${p.path}: ${p.detail}\n`;
        for (const o of r.orphans) out += `orphan ${o.kind}: ${o.path}\n`;
        out +=
          r.problems.length === 0
            ? `OK${r.orphans.length ? ` (${r.orphans.length} orphans; pond maintain removes them)` : ''}\n`
            : `${r.problems.length} problems found\n`;
        await writeOut(out);
        if (r.problems.length > 0) process.exitCode = 1;
      });
    });
}
