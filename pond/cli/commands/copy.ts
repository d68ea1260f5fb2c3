import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { parseUrl } from '../../query/url.js';
import { copyIn } from '../../service/copy-in.js';
import { copyOut } from '../../service/copy-out.js';
import type { CliContext } from '../context.js';
import { printErr, writeOut } from '../output.js';

interface CopyOptions {
  stripPrefix?: string;
  timestampColumn?: string;
  skipRejected?: boolean;
  asOf?: string;
}

export function registerCopy(program: Command, ctx: CliContext): void {
  program
    .command('copy')
    .description(
      'copy host files into the pond (sources host:///...), or pond files out (destination host:///DIR)',
    )
    .argument('<paths...>', 'sources then destination')
    .option('--strip-prefix <prefix>', 'copy OUT: remove this folder prefix from pond paths')
    .option(
      '--timestamp-column <name>',
      'copy IN as a series: the event-time column, when it cannot be inferred',
    )
    .option(
      '--skip-rejected',
      'copy IN from CSV: import the rows that parse and report the rest (default: fail)',
    )
    .option('--as-of <txn|time>', 'copy OUT: the pond as it was at a transaction number or time')
    .action(async (paths: string[], o: CopyOptions) => {
      if (paths.length < 2) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          'copy needs at least one source and a destination',
        );
      }
      const dest = paths[paths.length - 1]!;
      const sources = paths.slice(0, -1);
      const inbound = sources.some((s) => parseUrl(s).host);
      const outbound = parseUrl(dest).host;
      if (inbound === outbound) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          inbound
            ? `copy goes into or out of the pond, not host to host ('${dest}' is a host URL)`
            : `copy needs host:///... sources (IN) or a host:///DIR destination (OUT)`,
        );
      }
      await ctx.withPond(async (pond) => {
        if (inbound) {
          const r = await copyIn(pond, sources, dest, ctx.meta, {
            ...(o.timestampColumn ? { timestampColumn: o.timestampColumn } : {}),
            ...(o.skipRejected ? { skipRejected: true } : {}),
            ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
            onRejected: (m) => printErr(`warning: ${m}`),
          });
          let out = '';
          for (const f of r.files) {
            const rows =
              f.rows === undefined
                ? ''
                : ` (${f.rows} rows${f.rejected ? `, ${f.rejected} rejected` : ''})`;
            out += `${f.created ? 'Copied' : 'New version of'} ${f.path} [${f.type}]${rows}\n`;
          }
          out += `Transaction ${r.seq}\n`;
          await writeOut(out);
        } else {
          const asOf = await ctx.asOf(pond, o.asOf);
          const files = await copyOut(pond, sources, dest, {
            ...(o.stripPrefix ? { stripPrefix: o.stripPrefix } : {}),
            ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
            ...(asOf === undefined ? {} : { asOf }),
          });
          await writeOut(
            files.map((f) => `Wrote ${f.hostFile} [${f.type}] from ${f.path}\n`).join(''),
          );
        }
      });
    });
}
