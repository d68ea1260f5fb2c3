import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PondError, hostRefusal } from '../../../shared/errors.js';
import type { CliContext } from '../context.js';
import { printErr, writeOut } from '../output.js';

export function registerMknod(command: Command, ctx: CliContext): void {
  command
    .requiredOption('--config-path <file>', 'the YAML config (${env:VAR} is expanded when read)')
    .option('--overwrite', 'replace the config of an existing factory node')
    .action(
      async (factory: string, path: string, o: { configPath: string; overwrite?: boolean }) => {
        const config = await readFile(o.configPath, 'utf8').catch((e: unknown) => {
          const { code, reason } = hostRefusal(e);
          throw new PondError(code, `cannot read --config-path ${o.configPath}: ${reason}`, {
            input: o.configPath,
            cause: e,
          });
        });
        const { placeNode, validateNode } = await import('../../service/mknod.js');
        const registry = await ctx.registry();
        validateNode(registry, { factory, path, config });
        await ctx.withPond(async (pond) => {
          const { seq, result } = await pond.write(ctx.meta, (txn) =>
            placeNode(
              txn,
              registry,
              { factory, path, config },
              { overwrite: o.overwrite ?? false, warn: (m) => printErr(`warning: ${m}`) },
            ),
          );
          await writeOut(
            result === 'unchanged'
              ? `${path} already has this ${factory} config (no transaction)\n`
              : `${result === 'created' ? 'Created' : 'Replaced the config of'} ${path} [${factory}] (transaction ${seq})\n`,
          );
        });
      },
    );
}
