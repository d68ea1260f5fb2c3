import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';

export function registerFsck(command: Command, ctx: CliContext): void {
  command.action(async () => {
    const { fsck } = await import('../../tlogfs/fsck.js');
    await ctx.withPond(async (pond) => {
      const r = await fsck(pond);
      let out = `Checked transaction ${r.version}: ${r.liveFiles} oplog files, ${r.rows} rows, ${r.blobs} blobs\n`;
      out += `Digest ${r.digest}\n`;
      for (const p of r.problems) out += `DAMAGE ${p.kind}: ${p.path}: ${p.detail}\n`;
      for (const o of r.orphans)
        out += `leftover ${o.kind}: ${o.path}${o.detail ? ` (${o.detail})` : ''}\n`;
      for (const f of r.foreign) out += `foreign ${f.isDirectory ? 'folder' : 'file'}: ${f.path}\n`;
      const notes: string[] = [];
      if (r.orphans.length)
        notes.push(
          `${r.orphans.length} leftovers; pond maintain removes them (oplog files once they are older than the vacuum retention)`,
        );
      if (r.foreign.length)
        notes.push(
          `${r.foreign.length} foreign entries the pond did not write; it never touches them`,
        );
      out +=
        r.problems.length === 0
          ? `OK${notes.length ? ` (${notes.join('; ')})` : ''}\n`
          : `${r.problems.length} problems found\n`;
      await writeOut(out);
      if (r.problems.length > 0) process.exitCode = 1;
    });
  });
}
