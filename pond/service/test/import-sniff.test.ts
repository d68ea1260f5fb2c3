/**
 * The wizard sniffs a staged CSV file once: the sniff starts when the file is staged (a host path
 * or a finished upload), and the proposal's plans and the previews' plans take it while the file
 * is unchanged (pond/import/sniff-ahead.ts, `keep`). Real ponds, real files, real DuckDB.
 */
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFileSpec } from '../../../shared/app-import.js';
import { WIZARD_FIELDS, planImport } from '../../import/index.js';
import { openPond } from '../open-pond.js';
import { LocalPondService } from '../pond-service.js';
import { levelCsv, pondWithRaw, scratch } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;

beforeAll(async () => {
  s = await scratch('pond-import-sniff-');
});
afterAll(async () => s?.cleanup());

const CSV = levelCsv(200);

function opened(name: string) {
  return pondWithRaw(s.dir, name);
}

/** How many plans took the staged file's kept sniff. */
function taken(svc: LocalPondService, id: string): number {
  return svc.imports.sources.get(id).sniffs.taken;
}

describe('the wizard sniffs a staged file once', () => {
  it('the proposal and the preview plan from the sniff started at staging, as a plan without it does', async () => {
    const { svc, dir, handle } = await opened('once');
    try {
      const csv = join(s.dir, 'once.csv');
      await writeFile(csv, CSV);
      const [source] = await svc.stageHostFiles([csv]);
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      expect(spec.kind).toBe('series');
      // As a table, then as a series: both from the one sniff.
      expect(taken(svc, source!.id)).toBe(2);
      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(taken(svc, source!.id)).toBe(3);
      expect(p.preview.problems).toEqual([]);
      expect(p.preview.rowCount).toBe(200);

      // The same plan as one made without any sniff ahead.
      const pond = await openPond(dir);
      try {
        const [own] = await planImport(pond, {
          sources: [`host+csv+series:///once.csv`],
          dest: '/raw/once.csv',
          hostRoot: s.dir,
          advice: WIZARD_FIELDS,
        });
        expect(p.preview.plan).toEqual({ ...own, file: 'once.csv' });
      } finally {
        await pond.close();
      }
    } finally {
      await svc.close();
    }
  });

  it('a file changed between staging and the preview is sniffed again, even with its size and mtime put back', async () => {
    const { svc, handle } = await opened('changed');
    try {
      const csv = join(s.dir, 'changed.csv');
      await writeFile(csv, CSV);
      const mtime = new Date('2024-07-02T00:00:00Z');
      await utimes(csv, mtime, mtime);
      const [source] = await svc.stageHostFiles([csv]);
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      expect(taken(svc, source!.id)).toBe(2);
      // Same bytes count, another delimiter and column name, the old mtime: only ctime tells.
      const text = await readFile(csv, 'utf8');
      await writeFile(csv, text.replaceAll(',', ';').replace('level', 'depth'));
      await utimes(csv, mtime, mtime);
      expect((await stat(csv)).size).toBe(Buffer.byteLength(text));

      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(taken(svc, source!.id)).toBe(2);
      expect(p.preview.plan.dialect!.delimiter).toBe(';');
      expect(p.preview.columns.map((c) => c.name)).toEqual(['timestamp', 'depth', 'site']);
      expect(p.preview.problems).toEqual([]);
      // The preview's own sniff of the new content serves the next preview.
      const edited: ImportFileSpec = {
        ...spec,
        overrides: { columns: [{ column: 'depth', type: 'VARCHAR' }] },
      };
      const q = await svc.importPreview({ pond: handle, file: edited });
      expect(taken(svc, source!.id)).toBe(3);
      expect(q.preview.columns.find((c) => c.name === 'depth')?.type).toBe('VARCHAR');
    } finally {
      await svc.close();
    }
  });

  it('an upload is sniffed once it has arrived; a refusal is the same from the sniff and without it', async () => {
    const { svc, handle } = await opened('upload');
    try {
      const bytes = Buffer.from(CSV);
      const source = await svc.receiveUpload(
        handle,
        'up.csv',
        bytes.length,
        Readable.from([bytes]),
      );
      const spec = await svc.importProposal({ pond: handle, source: source.id, dest: '/raw' });
      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(p.preview.rowCount).toBe(200);
      expect(taken(svc, source.id)).toBe(3);

      // A header with no rows: the sniff made at staging refuses it as a plan without it would.
      const empty = Buffer.from('timestamp,level\n');
      const none = await svc.receiveUpload(
        handle,
        'none.csv',
        empty.length,
        Readable.from([empty]),
      );
      const guess = await svc.importProposal({ pond: handle, source: none.id, dest: '/raw' });
      expect(guess.kind).toBe('table');
      expect(taken(svc, none.id)).toBe(1);
      const refused = await svc.importPreview({ pond: handle, file: guess }).catch((e: Error) => e);
      expect(taken(svc, none.id)).toBe(2);
      expect(String(refused)).toMatch(
        /host\+csv\+table:\/\/\/none\.csv has a header \(line 1\) but no rows/,
      );
      expect(String(refused)).not.toContain('upload-');
    } finally {
      await svc.close();
    }
  });
});
