import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { printErr, writeOut } from '../output.js';

export function registerApply(command: Command, ctx: CliContext): void {
  command
    .requiredOption('-f, --file <file...>', 'YAML files of documents separated by ---')
    .action(async (o: { file: string[] }) => {
      const { applyDocs, readApplyFiles } = await import('../../service/apply.js');
      const registry = await ctx.registry();
      const docs = await readApplyFiles(o.file, registry);
      await ctx.withPond(async (pond) => {
        const { outcomes, seq } = await applyDocs(pond, registry, docs, ctx.meta, {
          ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}),
          warn: (m) => printErr(`warning: ${m}`),
        });
        const count = (r: string) => outcomes.filter((x) => x.result === r).length;
        let out = outcomes
          .map((x) => `${x.result.padEnd(9)} ${x.kind.padEnd(5)} ${x.path}\n`)
          .join('');
        out +=
          seq === undefined
            ? `apply: all ${outcomes.length} unchanged, no transaction\n`
            : `apply: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged (transaction ${seq})\n`;
        await writeOut(out);
      });
    });
}
