import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOut } from '../output.js';

export function registerInit(command: Command, ctx: CliContext): void {
  command
    .requiredOption(
      '--birthplace <label>',
      'a label for where this pond was born (e.g. the site or host)',
    )
    .action(async (o: { birthplace: string }) => {
      const { createPond } = await import('../../service/open-pond.js');
      const pond = await createPond(ctx.pondPath(), o.birthplace, ctx.meta);
      await writeOut(
        `Initialized pond ${pond.identity.id} at ${pond.layout.root} (birthplace: ${o.birthplace})\n`,
      );
      await pond.close();
    });
}
