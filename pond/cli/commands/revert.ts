import type { Command } from 'commander';
import type { RevertPlanInfo } from '../../../shared/api.js';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { Pond } from '../../tlogfs/pond.js';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';
import { warnReaders } from './edit-report.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const historyModule = () => import('../../service/history.js');

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const revertModule = () => import('../../service/revert.js');

export function registerRevert(command: Command, ctx: CliContext): void {
  command
    .option(
      '--force',
      'revert even where later transactions changed the same paths (undoing their changes to them too)',
    )
    .option(
      '--dry-run',
      'print what the revert would do and what stands in its way; change nothing',
    )
    .action(async (txn: string, o: { force?: boolean; dryRun?: boolean }) => {
      if (!/^\d+$/.test(txn)) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `revert needs a transaction number, not '${txn}'`,
          { input: txn },
        );
      }
      const seq = Number(txn);
      await ctx.withPond(async (pond) => {
        const title = `transaction ${seq}${await commandOf(pond, seq)}`;
        if (o.dryRun) {
          const plan = await (await revertModule()).revertPlan(pond, seq);
          let out = `Reverting ${title} would:\n${steps(plan)}`;
          if (plan.conflicts.length > 0) {
            out += 'Conflicts (the revert is refused; --force goes ahead where it can):\n';
            for (const c of plan.conflicts) {
              const by = c.txn === undefined ? '' : ` (transaction ${c.txn})`;
              const how = c.forceable ? '' : ' [--force cannot do this]';
              out += `  ${c.path}: ${c.reason}${by}${how}\n`;
            }
          }
          await writeOut(out);
          return;
        }
        const r = await (
          await revertModule()
        ).revertInPond(pond, await ctx.registry(), { txn: seq, force: o.force ?? false }, ctx.meta);
        await writeOut(
          r.txn === undefined
            ? `Nothing to revert: what ${title} changed is already undone (no transaction)\n`
            : `Reverted ${title}:\n${steps(r.plan)}Transaction ${r.txn}\n`,
        );
        warnReaders(r);
      });
    });
}

/** ` (the command)` of a transaction, for the report. */
async function commandOf(pond: Pond, seq: number): Promise<string> {
  const [t] = await (await historyModule()).history(pond, { limit: 1, before: seq + 1 });
  return t && t.seq === seq && t.command.length > 0 ? ` (${t.command.join(' ')})` : '';
}

function steps(plan: RevertPlanInfo): string {
  if (plan.steps.length === 0) return '  nothing to change\n';
  return plan.steps
    .map(
      (s) =>
        `  ${s.kind.padEnd(15)} ${s.entryKind.padEnd(9)} ${s.path}${s.to ? ` -> ${s.to}` : ''}\n`,
    )
    .join('');
}
