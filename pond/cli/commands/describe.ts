import type { Command } from 'commander';
import type { NodeDescription } from '../../service/describe.js';
import type { CliContext } from '../context.js';
import { formatMicros, formatSize, formatTime } from '../format/sizes.js';
import { writeOut } from '../output.js';

export function registerDescribe(command: Command, ctx: CliContext): void {
  command
    .option('--as-of <txn|time>', 'describe the pond as it was at a transaction number or time')
    .action(async (pattern: string | undefined, o: { asOf?: string }) => {
      const { describeMatches } = await import('../../service/describe.js');
      await ctx.withPond(async (pond) => {
        const asOf = await ctx.asOf(pond, o.asOf);
        const ds = await pond.read((txn) => describeMatches(txn, pattern), asOf);
        await writeOut(ds.map(formatDescription).join('\n'));
      });
    });
}

export function formatDescription(d: NodeDescription): string {
  const lines = [d.path];
  const kind = d.factory ? `${d.type} (dynamic: ${d.factory})` : d.type;
  lines.push(`  type: ${kind}`);
  if (d.type === 'table' || d.type === 'series') lines.push('  format: parquet');
  if (d.type === 'data') lines.push('  format: bytes');
  if (d.entries !== undefined) lines.push(`  entries: ${d.entries}`);
  if (d.target !== undefined) lines.push(`  target: ${d.target}`);
  if (d.timestampColumn) lines.push(`  timestamp column: ${d.timestampColumn}`);
  if (d.timeRange)
    lines.push(
      `  time range: ${formatMicros(d.timeRange.minUs)} .. ${formatMicros(d.timeRange.maxUs)}`,
    );
  if (d.schema) {
    lines.push(`  schema (${d.schema.length} columns):`);
    const w = Math.max(...d.schema.map((c) => c.name.length));
    for (const c of d.schema)
      lines.push(`    ${c.name.padEnd(w)}  ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
  }
  if (d.versions.length > 0) {
    lines.push(`  versions (${d.versions.length}):`);
    for (const v of d.versions) {
      const range =
        v.minEventTimeUs !== undefined && v.maxEventTimeUs !== undefined
          ? `  ${formatMicros(v.minEventTimeUs)} .. ${formatMicros(v.maxEventTimeUs)}`
          : '';
      const copy = v.restoredFrom
        ? `  restored from v${v.restoredFrom.version} (txn ${v.restoredFrom.txnSeq})${v.base && d.type === 'series' ? ', readers start here' : ''}`
        : '';
      lines.push(
        `    v${v.version}  txn ${v.txnSeq}  ${formatTime(v.timestamp)}  ${formatSize(v.size)}${range}${copy}`,
      );
    }
  }
  if (d.config !== undefined) {
    lines.push('  config:');
    for (const l of d.config.trimEnd().split('\n')) lines.push(`    ${l}`);
  }
  return lines.join('\n') + '\n';
}
