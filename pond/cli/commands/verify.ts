import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { VerifyReport } from '../../remote/index.js';
import type { CliContext } from '../context.js';
import { formatSize } from '../format/sizes.js';
import { writeOut } from '../output.js';
import { plural, withRemoteWork } from '../remote-work.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const remoteLayer = () => import('../../remote/index.js');

export function registerVerify(command: Command, ctx: CliContext): void {
  command
    .option('--quick', 'check that objects exist with the right sizes, without reading them')
    .action(async (name: string | undefined, o: { quick?: boolean }) => {
      await ctx.withPond(async (pond) => {
        const remotes = name
          ? [await (await remoteLayer()).getRemote(pond.layout.root, name)]
          : await (await remoteLayer()).listRemotes(pond.layout.root);
        if (remotes.length === 0)
          throw new PondError(
            ErrorCode.NotFound,
            'this pond has no backups: pond backup add NAME URL',
          );
        let bad = false;
        for (const remote of remotes) {
          const r = await withRemoteWork('verify', async (job) =>
            (await remoteLayer()).verifyRemote(pond, remote, { quick: o.quick ?? false }, job),
          );
          await writeOut(describe(r, o.quick ?? false));
          if (r.damaged.length > 0 || r.relation.kind === 'diverged') bad = true;
        }
        if (bad) process.exitCode = 1;
      });
    });
}

function describe(r: VerifyReport, quick: boolean): string {
  const rel = r.relation;
  let out = `${r.remote} (${r.url}): `;
  if (rel.kind === 'empty') out += 'empty (never pushed)\n';
  else if (rel.kind === 'same') out += `up to date at transaction ${rel.version}\n`;
  else if (rel.kind === 'behind')
    out += `behind by ${plural(rel.by, 'transaction')} (it has ${rel.targetTip}, this pond ${rel.sourceTip}): pond push ${r.remote}\n`;
  else if (rel.kind === 'ahead')
    out += `ahead by ${plural(rel.by, 'transaction')} (it has ${rel.targetTip}, this pond ${rel.sourceTip}): pond pull ${r.remote}\n`;
  else out += `DIVERGED: ${rel.reason}\n`;
  if (rel.kind !== 'empty') {
    out += `  ${quick ? 'found' : 're-hashed'} ${plural(r.objects, 'object')} (${formatSize(r.bytes)})${r.unchecked ? `, ${r.unchecked} without a copy here to compare with` : ''}\n`;
  }
  for (const d of r.damaged) out += `  DAMAGE ${d.key}: ${d.problem}\n`;
  if (rel.kind !== 'empty')
    out += r.damaged.length === 0 ? '  OK\n' : `  ${plural(r.damaged.length, 'damaged object')}\n`;
  return out;
}
