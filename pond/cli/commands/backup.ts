import type { Command } from 'commander';
import { checkEndpoint } from '../../remote/remote-config.js';
import type { CliContext } from '../context.js';
import { formatSize } from '../format/sizes.js';
import { writeOut } from '../output.js';
import { plural, withRemoteWork } from '../remote-work.js';

/** Loaded when the command runs, so `pond --help` does not wait for it. */
const remoteLayer = () => import('../../remote/index.js');

interface S3Flags {
  endpoint?: string;
  region?: string;
}

export function registerBackup(backup: Command, ctx: CliContext): void {
  backup
    .command('add')
    .description('add a backup: file:///path or s3://bucket/prefix (empty, or holding this pond)')
    .argument('<name>', 'a name for the backup')
    .argument('<url>', 'file:///absolute/path or s3://bucket/prefix')
    .option(
      '--endpoint <url>',
      'an S3-compatible server (MinIO, R2...), e.g. http://127.0.0.1:9000',
    )
    .option('--region <region>', 'the S3 region (default: $AWS_REGION, else us-east-1)')
    .option('--auto', 'push after every commit of this pond')
    .action(async (name: string, url: string, o: S3Flags & { auto?: boolean }) => {
      (await remoteLayer()).checkRemoteName(name);
      const loc = (await remoteLayer()).parseRemoteUrl(url);
      if (o.endpoint !== undefined) checkEndpoint(o.endpoint);
      await ctx.withPond(async (pond) => {
        const relation = await (
          await remoteLayer()
        ).attachRemote(pond, {
          name,
          url: loc.url,
          ...(o.endpoint ? { endpoint: o.endpoint } : {}),
          ...(o.region ? { region: o.region } : {}),
          auto: o.auto ?? false,
        });
        const where =
          relation.kind === 'empty'
            ? 'empty'
            : relation.kind === 'same'
              ? 'up to date'
              : relation.kind === 'behind'
                ? `behind by ${plural(relation.by, 'transaction')}`
                : relation.kind === 'ahead'
                  ? `ahead by ${plural(relation.by, 'transaction')}`
                  : 'diverged';
        await writeOut(
          `Added backup '${name}' at ${loc.url} (${where}${o.auto ? '; pushed after every commit' : ''}): pond push ${name}\n`,
        );
      });
    });

  backup
    .command('list')
    .description('the backups and remotes of this pond, with their last push and pull')
    .action(async () => {
      await ctx.withPond(async (pond) => {
        const remotes = await (await remoteLayer()).listRemotes(pond.layout.root);
        if (remotes.length === 0) {
          await writeOut('No backups: pond backup add NAME URL\n');
          return;
        }
        let out = '';
        for (const r of remotes) {
          const st = await (await remoteLayer()).readRemoteState(pond.layout.root, r.name);
          out += `${r.name}  ${r.url}${r.endpoint ? `  (endpoint ${r.endpoint})` : ''}${r.auto ? '  [auto]' : ''}\n`;
          const p = st.lastPush;
          if (!p) out += `  last push: never\n`;
          else if (p.ok) {
            const behind = pond.lastSeq - (p.version ?? 0);
            out += `  last push: ${p.at}${p.auto ? ' (automatic)' : ''}, transaction ${p.version}, ${plural(p.objects ?? 0, 'object')}, ${formatSize(p.bytes ?? 0)}${behind > 0 ? `; this pond is ${plural(behind, 'transaction')} ahead` : ''}\n`;
          } else out += `  last push: FAILED ${p.at}${p.auto ? ' (automatic)' : ''}: ${p.error}\n`;
          const q = st.lastPull;
          if (q) {
            out += q.ok
              ? `  last pull: ${q.at}, transaction ${q.version}\n`
              : `  last pull: FAILED ${q.at}: ${q.error}\n`;
          }
        }
        await writeOut(out);
      });
    });

  backup
    .command('remove')
    .description('forget a backup (nothing on the backup itself is touched)')
    .argument('<name>')
    .action(async (name: string) => {
      await ctx.withPond(async (pond) => {
        await (await remoteLayer()).removeRemote(pond.layout.root, name);
        await writeOut(`Removed backup '${name}' (its files stay where they are)\n`);
      });
    });

  backup
    .command('restore')
    .description(
      'make a replica (same pond id) from a backup into --pond PATH, a new or empty folder',
    )
    .argument('<url>', 'file:///absolute/path or s3://bucket/prefix')
    .option('--name <name>', 'the name the replica gives the backup, for pond pull', 'origin')
    .option('--endpoint <url>', 'an S3-compatible server, e.g. http://127.0.0.1:9000')
    .option('--region <region>', 'the S3 region')
    .action(async (url: string, o: S3Flags & { name: string }) => {
      (await remoteLayer()).checkRemoteName(o.name);
      const loc = (await remoteLayer()).parseRemoteUrl(url);
      if (o.endpoint !== undefined) checkEndpoint(o.endpoint);
      const r = await withRemoteWork('restore', async (job) =>
        (await remoteLayer()).restoreReplica(
          {
            url: loc.url,
            ...(o.endpoint ? { endpoint: o.endpoint } : {}),
            ...(o.region ? { region: o.region } : {}),
          },
          ctx.pondPath(),
          { name: o.name },
          job,
        ),
      );
      const c = r.counts;
      await writeOut(
        `Restored pond ${r.pondId} (${r.birthplace}) at transaction ${r.version} into ${r.path}: ` +
          `${plural(c.commits, 'log entry', 'log entries')}, ${plural(c.checkpoints, 'checkpoint')}, ` +
          `${plural(c.dataFiles, 'data file')}, ${plural(c.blobs, 'blob')}, ${formatSize(c.bytes)}\n` +
          `fsck: OK, digest ${r.digest}\n` +
          `It pulls from '${r.remote}' (${r.url}): pond pull\n`,
      );
    });
}
