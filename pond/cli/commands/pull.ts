import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { CliContext } from '../context.js';
import { formatSize } from '../format/sizes.js';
import { writeOut } from '../output.js';
import { plural, withRemoteWork } from '../remote-work.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const remoteLayer = () => import('../../remote/index.js');

export function registerPull(command: Command, ctx: CliContext): void {
  command.action(async (name: string | undefined) => {
    await ctx.withPond(async (pond) => {
      let remoteName = name;
      if (remoteName === undefined) {
        const all = await (await remoteLayer()).listRemotes(pond.layout.root);
        if (all.length !== 1) {
          throw new PondError(
            ErrorCode.InvalidArgument,
            all.length === 0
              ? 'this pond has no remotes: make a replica with pond backup restore, or pond backup add NAME URL'
              : `this pond has ${all.length} remotes (${all.map((r) => r.name).join(', ')}): name the one to pull from`,
          );
        }
        remoteName = all[0]!.name;
      }
      const remote = await (await remoteLayer()).getRemote(pond.layout.root, remoteName);
      const r = await withRemoteWork('pull', async (job) =>
        (await remoteLayer()).pullRemote(pond, remote, job),
      );
      if (r.outcome === 'up to date') {
        await writeOut(`Up to date with '${remote.name}' at transaction ${r.to}\n`);
      } else if (r.outcome === 'ahead') {
        await writeOut(
          `Nothing to pull: this pond is ${plural(r.ahead!, 'transaction')} ahead of '${remote.name}'\n`,
        );
      } else {
        const c = r.counts!;
        await writeOut(
          `Pulled transactions ${r.from + 1}..${r.to} from '${remote.name}' (${r.url}): ` +
            `${plural(c.dataFiles, 'data file')}, ${plural(c.blobs, 'blob')} (${formatSize(c.bytes)})\n`,
        );
      }
    });
  });
}
