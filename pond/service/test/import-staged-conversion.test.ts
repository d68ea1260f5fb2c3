/**
 * The wizard's preview converts, and a run of the same plan places what it converted
 * (pond/import/staged-conversion.ts): real ponds, real files, real DuckDB. That the run placed
 * the preview's file and did not convert again shows on disk: the new blob is a hard link of the
 * staged file (same inode).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFileSpec } from '../../../shared/app-import.js';
import type { JobInfo } from '../../../shared/api.js';
import { runPond } from '../../cli/test/run-pond.js';
import { LocalPondService } from '../pond-service.js';
import { levelCsv, pondWithRaw, scratch } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;

beforeAll(async () => {
  s = await scratch('pond-import-staged-');
});
afterAll(async () => s?.cleanup());

const CSV = levelCsv(1000);

function opened(name: string, options: { uploadIdleMs?: number } = {}) {
  return pondWithRaw(s.dir, name, options);
}

/** Every file under the pond's staging folders, with its inode. */
async function staged(dir: string): Promise<{ path: string; ino: number }[]> {
  const out: { path: string; ino: number }[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push({ path: p, ino: (await stat(p)).ino });
    }
  };
  await walk(join(dir, 'data', '_large_files', '_staging'));
  return out;
}

/** The staged conversions (the Parquet files directly in an owner's folder). */
async function conversions(dir: string): Promise<{ path: string; ino: number }[]> {
  return (await staged(dir)).filter((f) => /_staging\/[^/]+\/[0-9a-f-]+\.parquet$/.test(f.path));
}

async function blobInodes(dir: string): Promise<number[]> {
  const root = join(dir, 'data', '_large_files');
  const names = (await readdir(root)).filter((n) => n.startsWith('sha256='));
  return Promise.all(names.map(async (n) => (await stat(join(root, n))).ino));
}

async function run(svc: LocalPondService, handle: string, spec: ImportFileSpec): Promise<JobInfo> {
  const [job] = await svc.importRun({ pond: handle, files: [spec], transactions: 'one' });
  return svc.jobRunner.wait(job!.id);
}

async function cat(dir: string, path: string, sql: string): Promise<string> {
  const r = await runPond(['--pond', dir, 'cat', path, '--sql', sql, '--format', 'csv']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe("the preview's conversion, placed by the run", () => {
  it('a run of the previewed plan places the Parquet the preview wrote; an edited plan converts again', async () => {
    const { svc, dir, handle } = await opened('reuse');
    try {
      const csv = join(s.dir, 'reuse.csv');
      await writeFile(csv, CSV);
      const [source] = await svc.stageHostFiles([csv]);
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      expect(spec.kind).toBe('series');
      // A first preview, then an edited one: only the latest plan's conversion is kept.
      await svc.importPreview({ pond: handle, file: spec });
      const first = await conversions(dir);
      expect(first).toHaveLength(1);
      const edited = { ...spec, overrides: { columns: [{ column: 'site', rename: 'station' }] } };
      const p = await svc.importPreview({ pond: handle, file: edited });
      expect(p.preview.problems).toEqual([]);
      const kept = await conversions(dir);
      expect(kept).toHaveLength(1);
      expect(kept[0]!.path).not.toBe(first[0]!.path);

      const done = await run(svc, handle, edited);
      expect(done.state, done.error?.message).toBe('done');
      // The stored file is the preview's: its blob is a link to the same inode.
      expect(await blobInodes(dir)).toContain(kept[0]!.ino);
      expect(await staged(dir)).toEqual([]);
      expect(
        await cat(
          dir,
          '/raw/reuse.csv',
          'SELECT count(*) AS n, max(level) AS hi, min(station) AS s FROM source',
        ),
      ).toBe('n,hi,s\n1000,224.875,north\n');

      // Previewed, then edited and previewed, then run as first previewed: the conversion kept
      // is the edited plan's, so the run converts again (and the kept one is discarded).
      const other = { ...spec, target: '/raw/other' };
      await svc.importPreview({ pond: handle, file: other });
      await svc.importPreview({ pond: handle, file: { ...edited, target: '/raw/other' } });
      const unused = await conversions(dir);
      expect(unused).toHaveLength(1);
      const again = await run(svc, handle, other);
      expect(again.state, again.error?.message).toBe('done');
      // The kept conversion was discarded, not placed (its inode number may be the new file's:
      // a freed inode is soon reused), and the stored rows have the first plan's columns (below).
      expect(existsSync(unused[0]!.path)).toBe(false);
      expect(await staged(dir)).toEqual([]);
      expect(await cat(dir, '/raw/other', 'SELECT count(*) AS n, min(site) AS s FROM source')).toBe(
        'n,s\n1000,north\n',
      );
      expect((await runPond(['--pond', dir, 'fsck'])).stdout.trim().split('\n').pop()).toMatch(
        /^OK/,
      );
    } finally {
      await svc.close();
    }
  });

  it('a source changed after its preview is read again, even with its size and mtime put back', async () => {
    const { svc, dir, handle } = await opened('changed');
    try {
      const csv = join(s.dir, 'changed.csv');
      await writeFile(csv, CSV);
      // A whole second, so that it can be put back exactly.
      const mtime = new Date('2024-07-02T00:00:00Z');
      await utimes(csv, mtime, mtime);
      const [source] = await svc.stageHostFiles([csv]);
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(p.preview.problems).toEqual([]);
      expect(await conversions(dir)).toHaveLength(1);
      // The same number of bytes, another value, and the old mtime: only ctime tells.
      const text = await readFile(csv, 'utf8');
      await writeFile(csv, text.replace(',100.000,north', ',999.000,north'));
      await utimes(csv, mtime, mtime);
      expect((await stat(csv)).size).toBe(Buffer.byteLength(text));

      const done = await run(svc, handle, spec);
      expect(done.state, done.error?.message).toBe('done');
      expect(await cat(dir, '/raw/changed.csv', 'SELECT max(level) AS hi FROM source')).toBe(
        'hi\n999\n',
      );
      expect(await staged(dir)).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('nothing is staged for a preview with problems, and a kept conversion goes with its source or its pond', async () => {
    const { svc, dir, handle } = await opened('lifecycle', { uploadIdleMs: 2500 });
    try {
      const upload = async (name: string, text: string) => {
        const bytes = Buffer.from(text);
        const up = await svc.receiveUpload(handle, name, bytes.length, Readable.from([bytes]));
        const spec = await svc.importProposal({ pond: handle, source: up.id, dest: '/raw' });
        return { up, spec };
      };
      // A bad row: the preview says so, and nothing is kept for a run that would be refused.
      const bad = await upload('bad.csv', CSV.replace(',100.000,north', ',100.000,north,extra'));
      const pb = await svc.importPreview({ pond: handle, file: bad.spec });
      expect(pb.preview.rejectCount).toBe(1);
      expect(pb.preview.rejects[0]!.line).toBe(2);
      expect(await conversions(dir)).toEqual([]);
      // Skipping the bad row is a plan that runs: its conversion is kept, without that row.
      const skip = { ...bad.spec, overrides: { skipRejected: true } };
      const ps = await svc.importPreview({ pond: handle, file: skip });
      expect(ps.preview.problems).toEqual([]);
      expect(ps.preview.rowCount).toBe(999);
      expect(await conversions(dir)).toHaveLength(1);
      // Released by the wizard: the upload and its conversion are gone.
      await svc.releaseImportSources([bad.up.id]);
      expect(await staged(dir)).toEqual([]);

      // Not used for the idle time: gone too.
      const idle = await upload('idle.csv', CSV);
      await svc.importPreview({ pond: handle, file: idle.spec });
      expect(await conversions(dir)).toHaveLength(1);
      await expect.poll(() => staged(dir), { timeout: 10_000 }).toEqual([]);

      // The pond closes: gone.
      const open = await upload('open.csv', CSV);
      await svc.importPreview({ pond: handle, file: open.spec });
      expect(await conversions(dir)).toHaveLength(1);
      await svc.closePond(handle);
      expect(await staged(dir)).toEqual([]);
    } finally {
      await svc.close();
    }
  });
});
