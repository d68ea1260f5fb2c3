/**
 * remote-push: pushing a pond that holds a 5M-row series to a file:// backup vs `cp -r` of the
 * same `data/` folder, in the same run (DESIGN §7: <= 1.5x), and an incremental push after one
 * small commit (bar: under a second, whatever the pond's size). Medians of 3.
 *
 * The push is timed in-process (pushRemote) and as the whole `pond push` command; cp -r is a
 * whole process. Both read the same warm page cache. The push also hashes every byte it writes
 * (a blob must hash to its name) and fsyncs every object before the log names it; cp -r does
 * neither. What SHA-256 alone costs over the same files (one pass, this process) is printed too:
 * no verifying push can take less.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addRemote, getRemote, pushRemote, removeRemote } from '../pond/remote/index.js';
import { copyIn } from '../pond/import/copy-in.js';
import { openPond } from '../pond/service/open-pond.js';
import { hashFile } from '../pond/tlogfs/blob-store.js';
import { sensorSeriesPond } from './series-pond.js';
import { median, ms, ratio, timed } from './measure.js';

const ROWS = Number(process.env['POND_BENCH_ROWS'] ?? 5_000_000);
const RUNS = 3;
const POND_BIN = resolve(import.meta.dirname, '../../bin/pond.js');

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-push-'));
  try {
    const { pondDir } = await sensorSeriesPond(dir, ROWS);
    const du = spawnSync('du', ['-sb', join(pondDir, 'data')], { encoding: 'utf8' });
    console.log(`${ROWS} rows, one series; data/ holds ${du.stdout.split('\t')[0]} bytes`);

    const files = (await readdir(join(pondDir, 'data'), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    const cp: number[] = [];
    const cpSync: number[] = [];
    const hashing: number[] = [];
    const inProcess: number[] = [];
    const command: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const cpDest = join(dir, `cp${i}`);
      const t0 = performance.now();
      const c = spawnSync('cp', ['-r', join(pondDir, 'data'), cpDest]);
      cp.push(performance.now() - t0);
      if (c.status !== 0) throw new Error(`cp -r failed: ${c.stderr}`);
      await rm(cpDest, { recursive: true, force: true });
      // The same copy made durable (the push fsyncs every object before the log names it).
      const t2 = performance.now();
      spawnSync('cp', ['-r', join(pondDir, 'data'), cpDest]);
      spawnSync('sync', ['-f', cpDest]);
      cpSync.push(performance.now() - t2);
      await rm(cpDest, { recursive: true, force: true });
      const [th] = await timed(async () => {
        for (const f of files) await hashFile(f);
      });
      hashing.push(th);

      const url = `file://${join(dir, `backup${i}`)}`;
      await addRemote(pondDir, { name: `b${i}`, url, auto: false });
      const pond = await openPond(pondDir);
      const [t, r] = await timed(async () => pushRemote(pond, await getRemote(pondDir, `b${i}`)));
      await pond.close();
      inProcess.push(t);
      await rm(join(dir, `backup${i}`), { recursive: true, force: true });
      await removeRemote(pondDir, `b${i}`);

      await addRemote(pondDir, { name: `c${i}`, url, auto: false });
      const t1 = performance.now();
      const p = spawnSync(process.execPath, [POND_BIN, '--pond', pondDir, 'push', `c${i}`], {
        encoding: 'utf8',
      });
      command.push(performance.now() - t1);
      if (p.status !== 0) throw new Error(`pond push failed: ${p.stderr}`);
      await rm(join(dir, `backup${i}`), { recursive: true, force: true });
      await removeRemote(pondDir, `c${i}`);
      console.log(
        `  run ${i + 1}: cp -r ${ms(cp[i]!)} | cp -r + sync ${ms(cpSync[i]!)} | push ${ms(t)} (${r.counts!.dataFiles + r.counts!.blobs + r.counts!.commits} objects) | pond push command ${ms(command[i]!)}`,
      );
    }
    const [c, t, k] = [median(cp), median(inProcess), median(command)];
    console.log(`full push:    pond ${ms(t)} vs cp -r ${ms(c)} = ${ratio(t, c)} (bar <= 1.5x)`);
    console.log(`  as the whole pond push command: ${ms(k)} = ${ratio(k, c)}`);
    const cs = median(cpSync);
    console.log(`  against cp -r + sync (as durable as the push): ${ms(cs)} = ${ratio(t, cs)}`);
    const h = median(hashing);
    console.log(`  SHA-256 of every file alone: ${ms(h)} = ${ratio(h, c)} of cp -r`);

    // Incremental: one small commit, then push.
    await addRemote(pondDir, { name: 'inc', url: `file://${join(dir, 'inc')}`, auto: false });
    const pond = await openPond(pondDir);
    await pushRemote(pond, await getRemote(pondDir, 'inc'));
    const inc: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const note = join(dir, `note${i}.txt`);
      await writeFile(note, `note ${i}\n`);
      await copyIn(pond, [`host://${note}`], `/notes-${i}.txt`, { command: ['bench', 'note'] });
      const [ti, r] = await timed(async () => pushRemote(pond, await getRemote(pondDir, 'inc')));
      inc.push(ti);
      const c2 = r.counts!;
      console.log(
        `  incremental ${i + 1}: ${ms(ti)} (${c2.commits} commits, ${c2.dataFiles} data files, ${c2.blobs} blobs, ${c2.bytes} bytes)`,
      );
    }
    await pond.close();
    console.log(`incremental push after a small commit: ${ms(median(inc))} (bar < 1000 ms)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
