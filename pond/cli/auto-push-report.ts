import type { Pond } from '../tlogfs/pond.js';
import { printErr } from './output.js';

/** The CLI's automatic push after a commit: one line per automatic backup, on stderr. */
export async function autoPushAfter(pond: Pond, seq: number): Promise<void> {
  // Loaded on the first commit, so commands that only read start as fast as before.
  const { autoPush } = await import('../remote/auto-push.js');
  await autoPush(pond, (o) => {
    if (o.error) {
      printErr(
        `pond: warning: transaction ${seq} is committed, but the automatic push to '${o.remote}' failed: ${o.error.message} (the next push sends it)`,
      );
    } else if (o.report?.outcome === 'pushed') {
      const c = o.report.counts!;
      printErr(
        `Pushed transaction ${o.report.to} to '${o.remote}' (${c.commits + c.checkpoints + c.dataFiles + c.blobs} objects)`,
      );
    }
  });
}
