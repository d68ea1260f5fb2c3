import type { Command } from 'commander';
import type { RunRecord } from '../../../shared/collectors.js';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import type { RunJob } from '../../factories/executable.js';
import { newJob } from '../../job/job.js';
import type { CliContext } from '../context.js';
import { printErr, writeOut } from '../output.js';
import { stopSignal } from '../stop-signal.js';

/**
 * Exit codes of `pond run`, for cron jobs (README "Collecting data"):
 * 0 the run finished (it wrote new data, or found nothing new); 1 it failed and wrote nothing;
 * 2 the command line is wrong; 3 some parts failed (named on stderr) and the others were written;
 * 75 a source could not be reached, changed while read, or the pond stayed locked: nothing was
 * written, try later;
 * 130 interrupted (Ctrl-C, SIGTERM): nothing was written.
 */
export const RUN_EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  partial: 3,
  unavailable: 75,
  interrupted: 130,
} as const;

export function registerRun(command: Command, ctx: CliContext): void {
  command
    .option('-v, --verbose', "print the run's log to stderr as it goes")
    .action(
      async (
        path: string,
        command: string | undefined,
        args: string[],
        o: { verbose?: boolean },
      ) => {
        const stop = stopSignal('pond run');
        try {
          process.exitCode = await ctx.withPond(async (pond) => {
            const { runExecutable } = await import('../../factories/run-node.js');
            const outcome = await runExecutable(
              pond,
              await ctx.registry(),
              { path, ...(command === undefined ? {} : { command }), args },
              cliJob(stop.signal, o.verbose ?? false),
            );
            if (outcome.output !== undefined) await writeOut(outcome.output);
            // A command that only reads prints its output alone: `sha256sum > sums.txt` must
            // hold nothing else for `sha256sum --check`.
            return outcome.writes ? report(outcome.record) : RUN_EXIT.ok;
          });
        } catch (e) {
          // A typed failure is printed here, so its exit code can say what kind it was.
          if (!isPondError(e) || e.code === ErrorCode.Internal) throw e;
          printErr(`pond: ${e.message}`);
          process.exitCode = failureExit(e, stop.signal);
        } finally {
          stop.dispose();
        }
      },
    );
}

/** The summary line on stdout (failures on stderr); returns the exit code. */
async function report(r: RunRecord): Promise<number> {
  const txn = r.txn === undefined ? 'no transaction' : `transaction ${r.txn}`;
  await writeOut(`${r.path} ${r.command}: ${r.summary} (${txn})\n`);
  for (const a of r.added) {
    const what =
      a.rows !== undefined ? `${a.rows} rows` : a.bytes !== undefined ? `${a.bytes} bytes` : '';
    await writeOut(`  ${a.path}  v${a.version}  +${what}\n`);
  }
  for (const f of r.failures) printErr(`pond: ${r.path}: ${f}`);
  return r.state === 'partial' ? RUN_EXIT.partial : RUN_EXIT.ok;
}

/** The exit code of a run that failed. */
function failureExit(e: PondError, signal: AbortSignal): number {
  if (signal.aborted || e.code === ErrorCode.Cancelled) return RUN_EXIT.interrupted;
  if (e.code === ErrorCode.Unavailable || e.code === ErrorCode.Locked) return RUN_EXIT.unavailable;
  if (e.code === ErrorCode.InvalidArgument) return RUN_EXIT.usage;
  return RUN_EXIT.failed;
}

function cliJob(signal: AbortSignal, verbose: boolean): RunJob {
  return {
    ...newJob('the run', signal),
    log: (line) => {
      if (verbose) printErr(line);
    },
  };
}
