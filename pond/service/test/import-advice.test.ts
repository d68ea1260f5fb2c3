/**
 * The app's import wizard is told how to fix a file by its own controls, never by `pond copy`'s
 * flags: one case of each family of messages (the CSV read, columns, the event time, rejected
 * rows at preview and at run), over the service the app calls, with real files and a real pond.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFileSpec } from '../../../shared/app-import.js';
import { SKIP_REJECTED_LABEL } from '../../../shared/import-labels.js';
import { createPond } from '../open-pond.js';
import { LocalPondService } from '../pond-service.js';
import { scratch } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let svc: LocalPondService;
let handle: string;

beforeAll(async () => {
  s = await scratch('pond-import-advice-');
  const dir = join(s.dir, 'pond');
  const pond = await createPond(dir, 'advice', { command: ['test', 'init'] });
  await pond.write({ command: ['test', 'mkdir'] }, async (txn) => (await txn.wd()).mkdir('/raw'));
  await pond.close();
  svc = new LocalPondService({ mode: 'browser', appData: join(s.dir, 'app') });
  handle = (await svc.openPath(dir)).handle;
});
afterAll(async () => {
  await svc?.close();
  await s?.cleanup();
});

/** A series spec for a file written now and staged as the wizard stages it. */
async function series(name: string, content: string | Buffer): Promise<ImportFileSpec> {
  const file = join(s.dir, name);
  await writeFile(file, content);
  const [source] = await svc.stageHostFiles([file]);
  return { source: source!.id, target: `/raw/${name}`, kind: 'series', overrides: {} };
}

async function previewError(spec: ImportFileSpec): Promise<string> {
  const e = await svc.importPreview({ pond: handle, file: spec }).then(
    () => undefined,
    (x: unknown) => x as Error,
  );
  expect(e, 'the preview is refused').toBeInstanceOf(Error);
  expect(e!.message).not.toMatch(/--[a-z]/);
  return e!.message;
}

describe("the wizard's advice names its controls", () => {
  it('the CSV read: a Latin-1 file is sent to the Encoding field', async () => {
    const msg = await previewError(
      await series(
        'latin.csv',
        Buffer.from('timestamp,site\n2024-01-01 00:00:00,Z\xfcrich\n', 'latin1'),
      ),
    );
    expect(msg).toContain('invalid encoding');
    expect(msg).toContain('give Latin-1 in the Encoding field');
  });

  it('columns: a repeated name is sent to the Stored as field and the Skip box', async () => {
    const msg = await previewError(
      await series('dup.csv', 'timestamp,v,v\n2024-01-01 00:00:00,1,2\n'),
    );
    expect(msg).toContain(
      'rename it with a new name for column 3 in its Stored as field (or skip it with the Skip box of column 3)',
    );
  });

  it('the event time: epoch seconds are sent to the Timestamp format field', async () => {
    const msg = await previewError(
      await series('epoch.csv', 'timestamp,v\n1704067200,1\n1704067260,2\n'),
    );
    expect(msg).toContain(
      'say what they count with "seconds since 1970", "milliseconds since 1970" or "microseconds since 1970" in the Timestamp format field',
    );
  });

  it('rejected rows: the preview and the run name the box that leaves them out', async () => {
    const spec = await series(
      'ragged.csv',
      'timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2,extra\n2024-01-01 02:00:00,3\n',
    );
    const p = await svc.importPreview({ pond: handle, file: spec });
    expect(p.preview.problems).toHaveLength(1);
    expect(p.preview.problems[0]).toMatch(
      /^1 row cannot be read \(first: line 3: too many columns/,
    );
    expect(p.preview.problems[0]).toContain(
      `): fix them, or import the rest with the "${SKIP_REJECTED_LABEL}" box`,
    );
    expect(p.preview.problems[0]).not.toMatch(/--[a-z]/);
    const [job] = await svc.importRun({ pond: handle, files: [spec], transactions: 'one' });
    const info = await svc.jobRunner.wait(job!.id);
    expect(info.state).toBe('failed');
    expect(info.error?.message).toContain(
      `nothing was imported (use the "${SKIP_REJECTED_LABEL}" box to import the other rows)`,
    );
    expect(info.error?.message).not.toMatch(/--[a-z]/);
  });
});
