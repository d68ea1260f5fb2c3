import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';
import { plural, withRemoteWork } from '../remote-work.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const remoteLayer = () => import('../../remote/index.js');

export function registerMirror(command: Command, ctx: CliContext): void {
  command
    .option('--csv', 'also write tables and series as CSV (<path>.csv)')
    .action(async (dir: string, pattern: string, o: { csv?: boolean }) => {
      await ctx.withPond(async (pond) => {
        const r = await withRemoteWork('mirror', async (job) =>
          (await remoteLayer()).mirror(pond, resolve(dir), { pattern, csv: o.csv ?? false }, job),
        );
        let out = `Mirrored transaction ${r.txn} into ${r.dir}: ${plural(r.written.length, 'file')} written, ${r.unchanged} unchanged`;
        out += r.removed.length
          ? `, ${plural(r.removed.length, 'file')} no longer in the pond removed`
          : '';
        out += '\n';
        for (const w of r.written) out += `  ${w}\n`;
        for (const k of r.kept)
          out += `  kept ${k}: changed since the last mirror (no longer tracked)\n`;
        await writeOut(out);
      });
    });
}
