/**
 * A preview's staged conversion is sealed (hashed and synced) while the preview goes on, and a
 * run of it takes that hash instead of reading the file again; a seal that failed is made again
 * by the run. Real pond, real DuckDB, real files.
 */
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFile } from '../../tinyfs/node.js';
import { hashFile } from '../../tlogfs/blob-store.js';
import { planImport } from '../plan.js';
import { previewAndStage } from '../preview.js';
import { runImport } from '../run.js';
import { discardStaged, reuseStaged } from '../staged-conversion.js';
import { sandbox, type Sandbox } from './sandbox.js';

describe("a preview's conversion sealed for its run", () => {
  let s: Sandbox;
  let csv: string;

  beforeAll(async () => {
    s = await sandbox('import-staged-sealing-');
    csv = await s.file(
      'levels.csv',
      'timestamp,level\n' +
        Array.from(
          { length: 500 },
          (_, i) => `2024-07-01 00:00:${String(i % 60).padStart(2, '0')},${i}.5`,
        ).join('\n') +
        '\n',
    );
  });
  afterAll(async () => s.close());

  const plan = async (dest: string) =>
    (await planImport(s.pond, { sources: [`host+csv+series://${csv}`], dest }))[0]!;

  it('has the hash of the file it staged, and a run stores the file under it', async () => {
    const p = await plan('/sealed.series');
    const { preview, staged } = await previewAndStage(s.pond, p);
    expect(preview.problems).toEqual([]);
    const sha256 = await staged!.sealed;
    expect(sha256).toBe(await hashFile(staged!.converted.file));
    const reused = await reuseStaged(staged!, p);
    expect(reused?.sha256).toBe(sha256);
    await discardStaged(staged!);
  });

  it('a run of a conversion whose sealing failed stores it under its hash all the same', async () => {
    const p = await plan('/unsealed.series');
    const { staged } = await previewAndStage(s.pond, p);
    const expected = await hashFile(staged!.converted.file);
    const failed = { ...staged!, sealed: Promise.resolve(undefined) };
    await runImport(
      s.pond,
      [p],
      { command: ['test', 'import'] },
      {
        staged: new Map([[p, failed]]),
      },
    );
    const stored = await s.pond.read(async (txn) => {
      const found = await (await txn.wd()).lookup('/unsealed.series');
      return found.found && isFile(found.node) ? await found.node.versions() : [];
    });
    expect(stored.map((v) => v.sha256)).toEqual([expected]);
    const state = JSON.parse(await s.state()) as { problems: unknown[]; orphans: unknown[] };
    expect([state.problems, state.orphans]).toEqual([[], []]);
    // The staged file was placed: nothing is left in staging.
    expect(await readdir(dirname(staged!.converted.file)).catch(() => [])).toEqual([]);
  });

  it('a discarded conversion leaves nothing, even discarded while it is being sealed', async () => {
    const p = await plan('/discarded.series');
    const { staged } = await previewAndStage(s.pond, p);
    const folder = dirname(staged!.converted.file);
    await discardStaged(staged!);
    expect(await readdir(folder).catch(() => [])).toEqual([]);
  });
});
