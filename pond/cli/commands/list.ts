import type { Command } from 'commander';
import { shortId } from '../../tinyfs/node-id.js';
import { listTag } from '../../tinyfs/entry-type.js';
import type { ListedEntry } from '../../service/list.js';
import type { CliContext } from '../context.js';
import { formatSize, formatTime } from '../format/sizes.js';
import { writeOut } from '../output.js';

export function registerList(command: Command, ctx: CliContext): void {
  command
    .option('-l, --long', 'also show the entry type and factory')
    .option('-a, --all', 'include hidden entries (names starting with .)')
    .option('--as-of <txn|time>', 'list the pond as it was at a transaction number or time')
    .action(
      async (pattern: string | undefined, o: { long?: boolean; all?: boolean; asOf?: string }) => {
        const { listEntries } = await import('../../service/list.js');
        await ctx.withPond(async (pond) => {
          const asOf = await ctx.asOf(pond, o.asOf);
          const entries = await pond.read(
            (txn) => listEntries(txn, pattern, { all: o.all ?? false }),
            asOf,
          );
          const pondShort = shortId(pond.identity.id);
          let out = '';
          for (const e of entries) out += formatEntry(e, pondShort, o.long ?? false) + '\n';
          await writeOut(out);
        });
      },
    );
}

/**
 * `[SER]    1.2KB 099a8057@3c1b2a4f v3 2024-05-01T12:00:00Z /sensors/a.series`: the path is the
 * last field (a symlink adds ` -> target`, as the original and `ls -l` do). `-l` adds the entry
 * type, `series:dynamic` (a directory: `dynamic-directory`) for a derived node as the original
 * names them, and the factory (`-` for stored nodes).
 */
export function formatEntry(e: ListedEntry, pondShort: string, long: boolean): string {
  const size = e.type === 'directory' ? '-' : formatSize(e.size);
  const version = e.version === undefined ? '-' : `v${e.version}`;
  const kind = long ? ` ${longType(e).padEnd(17)} ${(e.factory ?? '-').padEnd(20)}` : '';
  const target = e.target === undefined ? '' : ` -> ${e.target}`;
  return `${listTag(e.type).padEnd(6)}${kind} ${size.padStart(8)} ${shortId(e.nodeId)}@${pondShort} ${version.padStart(4)} ${formatTime(e.modified).padEnd(20)} ${e.path}${target}`;
}

/** The `-l` type column: the entry type, marked dynamic for nodes a factory makes. */
function longType(e: ListedEntry): string {
  if (e.factory === undefined) return e.type;
  return e.type === 'directory' ? 'dynamic-directory' : `${e.type}:dynamic`;
}
