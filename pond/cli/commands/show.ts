import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatMicros, formatSize, formatTime } from '../format/sizes.js';
import { writeOut } from '../output.js';

export function registerShow(command: Command, ctx: CliContext): void {
  command.action(async () => {
    await ctx.withPond(async (pond) => {
      const rows = (await pond.allRows()).sort(
        (a, b) =>
          a.txn_seq - b.txn_seq ||
          (a.part_id < b.part_id ? -1 : a.part_id > b.part_id ? 1 : 0) ||
          (a.node_id < b.node_id ? -1 : 1) ||
          a.version - b.version,
      );
      let out = `Pond ${pond.identity.id} (${pond.identity.birthplace}), ${rows.length} oplog rows\n`;
      let txn = -1;
      for (const r of rows) {
        if (r.txn_seq !== txn) {
          txn = r.txn_seq;
          out += `\nTransaction ${txn}  ${formatTime(r.timestamp)}\n`;
        }
        const where = r.blob
          ? `blob sha256=${r.blob.slice(0, 12)}`
          : r.content
            ? `inline ${formatSize(r.content.length)}`
            : 'empty';
        const range =
          r.min_event_time !== null && r.max_event_time !== null
            ? ` ${formatMicros(r.min_event_time)}..${formatMicros(r.max_event_time)}`
            : '';
        const factory = r.factory ? ` factory=${r.factory}` : '';
        out += `  part ${r.part_id.slice(-8)} node ${r.node_id.slice(-8)} ${r.entry_type.padEnd(9)} v${r.version} ${where}${factory}${range}\n`;
      }
      await writeOut(out);
    });
  });
}
