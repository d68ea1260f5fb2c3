import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { decimalFlag } from '../numeric-flag.js';
import { writeOut } from '../output.js';

const HOUR = 3600 * 1000;

export function registerMaintain(command: Command, ctx: CliContext): void {
  command
    .option('--no-compact', 'skip compaction')
    .option(
      '--vacuum-retention-hours <n>',
      'keep oplog files removed from the table this many hours (default: the table property delta.deletedFileRetentionDuration, 168 = 7 days unless set)',
    )
    .option(
      '--log-retention-days <n>',
      'keep commit files this many days below the newest checkpoint (default: the table property delta.logRetentionDuration, 30 days unless set)',
    )
    .action(
      async (o: { compact: boolean; vacuumRetentionHours?: string; logRetentionDays?: string }) => {
        const days =
          o.logRetentionDays === undefined
            ? undefined
            : // Up to 100 years: beyond, the cutoff in ms leaves the range of a date.
              decimalFlag('--log-retention-days', o.logRetentionDays, { max: 36500 });
        const hours =
          o.vacuumRetentionHours === undefined
            ? undefined
            : decimalFlag('--vacuum-retention-hours', o.vacuumRetentionHours, { max: 876000 });
        const { maintain } = await import('../../tlogfs/maintain.js');
        await ctx.withPond(async (pond) => {
          const r = await maintain(pond, {
            compact: o.compact,
            ...(days === undefined ? {} : { logRetentionMs: days * 24 * HOUR }),
            ...(hours === undefined ? {} : { vacuumRetentionMs: hours * HOUR }),
          });
          let out = '';
          out +=
            r.compactedVersion === undefined
              ? 'Compaction: nothing to do\n'
              : `Compaction: ${r.filesRemoved} files into ${r.filesAdded} (transaction ${r.compactedVersion})\n`;
          out += `Checkpoint at transaction ${r.checkpointVersion}\n`;
          out += `Vacuum: ${r.vacuumed.length} oplog files removed (retired, or never committed, longer ago than the retention)\n`;
          if (r.damaged > 0) {
            out += `Leftovers kept: fsck found ${r.damaged} problems (run pond fsck)\n`;
          } else {
            out +=
              `Leftovers removed: ` +
              `${r.orphanBlobsRemoved.length} blobs, ${r.tempFilesRemoved.length} temp files, ` +
              `${r.stagingRemoved.length} staging folders\n`;
          }
          if (r.foreign > 0)
            out += `Foreign files left alone: ${r.foreign} (pond fsck lists them)\n`;
          out += `Log cleanup: ${r.logVersionsRemoved.length} commit files removed\n`;
          await writeOut(out);
          if (r.damaged > 0) process.exitCode = 1;
        });
      },
    );
}
