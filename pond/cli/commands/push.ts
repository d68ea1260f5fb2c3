import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { RemoteConfig } from '../../remote/index.js';
import type { CliContext } from '../context.js';
import { formatSize } from '../format/sizes.js';
import { printErr, writeOut } from '../output.js';
import { plural, withRemoteWork } from '../remote-work.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const remoteLayer = () => import('../../remote/index.js');

export function registerPush(command: Command, ctx: CliContext): void {
  command.action(async (name: string | undefined) => {
    await ctx.withPond(async (pond) => {
      const remotes: RemoteConfig[] = name
        ? [await (await remoteLayer()).getRemote(pond.layout.root, name)]
        : await (await remoteLayer()).listRemotes(pond.layout.root);
      if (remotes.length === 0) {
        throw new PondError(
          ErrorCode.NotFound,
          'this pond has no backups: pond backup add NAME URL',
        );
      }
      let failed = 0;
      for (const remote of remotes) {
        try {
          const r = await withRemoteWork('push', async (job) =>
            (await remoteLayer()).pushRemote(pond, remote, job),
          );
          if (r.outcome === 'up to date') {
            await writeOut(`${remote.name}: up to date at transaction ${r.to}\n`);
            continue;
          }
          const c = r.counts!;
          await writeOut(
            `${remote.name}: pushed transactions ${r.from + 1}..${r.to} to ${r.url}: ` +
              `${plural(c.commits, 'log entry', 'log entries')}, ${plural(c.checkpoints, 'checkpoint')}, ` +
              `${plural(c.dataFiles, 'data file')}, ${plural(c.blobs, 'blob')} (${formatSize(c.bytes)})` +
              `${c.present ? `; ${c.present} already there` : ''}\n`,
          );
        } catch (e) {
          // One unreachable backup must not keep the others from being pushed.
          if (remotes.length === 1) throw e;
          failed++;
          printErr(`pond: push to '${remote.name}' failed: ${(e as Error).message}`);
        }
      }
      if (failed > 0) process.exitCode = 1;
    });
  });
}
