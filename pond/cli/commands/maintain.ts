import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { maintain } from '../../tlogfs/maintain.js';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';

export function registerMaintain(program: Command, ctx: CliContext): void {
  program
    .command('maintain')
    .description(
      'checkpoint the log, compact small oplog files, vacuum unreferenced files, remove orphans',
    )
    .option('--no-compact', 'skip compaction')
    .option(
      '--log-retention-days <n>',
      'keep commit files this many days below the newest checkpoint',
      '30',
    )
    .action(async (o: { compact: boolean; logRetentionDays: string }) => {
      const days = Number(o.logRetentionDays);
      if (!Number.isFinite(days) || days < 0) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `--log-retention-days must be a number >= 0, not '${o.logRetentionDays}'`,
          { input: o.logRetentionDays },
        );
      }
      await ctx.withPond(async (pond) => {
        const r = await maintain(pond, {
          compact: o.compact,
          logRetentionMs: days * 24 * 3600 * 1000,
        });
        let out = '';
        out +=
          r.compactedVersion === undefined
            ? 'Compaction: nothing to do\n'
            : `Compaction: ${r.filesRemoved} files into ${r.filesAdded} (transaction ${r.compactedVersion})\n`;
        out += `Checkpoint at transaction ${r.checkpointVersion}\n`;
        out += `Vacuum: ${r.vacuumed.length} files removed\n`;
        out += `Orphans removed: ${r.orphanBlobsRemoved.length} blobs, ${r.tempFilesRemoved.length} temp files\n`;
        out += `Log cleanup: ${r.logVersionsRemoved.length} commit files removed\n`;
        await writeOut(out);
      });
    });
}
