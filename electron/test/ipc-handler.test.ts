import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PondSummary, TxnInfo } from '../../shared/api.js';
import { ErrorCode, isErrorInfo, type ErrorInfo } from '../../shared/errors.js';
import type { WireResponse } from '../../shared/wire.js';
import { demoPondPath } from '../../pond/service/demo-pond.js';
import { LocalPondService, type HostDialogs } from '../../pond/service/pond-service.js';
import { parquet, pondWithSeries, scratch } from '../../pond/service/test/fixtures.js';
import { START_URL } from '../app-protocol.js';
import { callHandler, isAppUrl, stageHandler, type CallHandler } from '../ipc-handler.js';

let s: Awaited<ReturnType<typeof scratch>>;
let pondDir: string;
let svc: LocalPondService;
let call: CallHandler;
let pond: PondSummary;
const dialogAsked: string[] = [];

/** Dialogs that record being asked and answer "cancel". */
const dialogs: HostDialogs = {
  async chooseExistingPond() {
    dialogAsked.push('open');
    return undefined;
  },
  async chooseNewPondFolder() {
    dialogAsked.push('create');
    return undefined;
  },
};

async function ok(method: string, arg?: unknown): Promise<unknown> {
  const r = await call(START_URL, method, arg);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

function refused(r: WireResponse): ErrorInfo {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('expected a refusal');
  expect(isErrorInfo(r.error)).toBe(true);
  return r.error;
}

/** Everything a refused call could have changed. */
async function state() {
  const history = (await ok('history', { pond: pond.handle, limit: 1000 })) as TxnInfo[];
  return {
    open: await svc.openPonds(),
    recent: await readFile(join(s.appData, 'recent-ponds.json'), 'utf8'),
    txns: history.map((t) => t.txn),
    demo: existsSync(demoPondPath(s.appData)),
    jobs: (await svc.jobs()).length,
  };
}

beforeAll(async () => {
  s = await scratch('pond-electron-ipc-');
  pondDir = join(s.dir, 'pond');
  const v1 = join(s.dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(50) t(i)`,
  );
  await pondWithSeries(pondDir, [v1, v1]);
  svc = new LocalPondService({ mode: 'electron', appData: s.appData, dialogs });
  call = callHandler(svc);
  pond = await svc.openPath(pondDir);
});

afterAll(async () => {
  await svc?.close();
  await s.cleanup();
});

describe('the pond:call handler of the desktop app', () => {
  it('answers valid calls from the app page with plain values', async () => {
    expect(await ok('appInfo')).toMatchObject({ mode: 'electron', dialogs: true });
    const page = (await ok('list', { pond: pond.handle, path: '/data', offset: 0, limit: 10 })) as {
      entries: { name: string }[];
    };
    expect(page.entries.map((e) => e.name)).toEqual(['link', 'notes.txt', 'readings.series']);
    const preview = (await ok('preview', {
      pond: pond.handle,
      path: '/data/readings.series',
      offset: 10,
      limit: 5,
    })) as { arrow: unknown; rowCount: number; totalRows: number };
    expect(preview.arrow).toBeInstanceOf(Uint8Array);
    expect(preview).toMatchObject({ rowCount: 5, totalRows: 100 });
    expect(await ok('openPondDialog')).toBeUndefined();
    expect(dialogAsked).toEqual(['open']);
  });

  it('accepts only the app bundle as sender', async () => {
    expect(isAppUrl(START_URL)).toBe(true);
    const before = await state();
    for (const sender of [
      undefined,
      '',
      'https://example.com/',
      'file:///etc/passwd',
      'pond-app://elsewhere/index.html',
      'http://bundle/index.html',
      'devtools://devtools/bundled/inspector.html',
    ]) {
      const e = refused(await call(sender, 'openDemoPond', undefined));
      expect(e.code).toBe(ErrorCode.Unauthorized);
      expect(e.message).toMatch(/only from the app's own pages/);
    }
    expect(await state()).toEqual(before);
  });

  it('refuses names that are not methods of the contract, and runs nothing', async () => {
    const before = await state();
    for (const method of [
      'openPath', // on LocalPondService, but a host path must never come from the UI
      'close',
      'onJobEvent',
      'jobRunner',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'makeDemo',
      'dialogs',
      'list ',
      'LIST',
      '',
      'x'.repeat(10_000),
      42,
      undefined,
      null,
      { name: 'list' },
      ['list'],
    ]) {
      const arg = method === 'openPath' ? '/etc' : undefined;
      const e = refused(await call(START_URL, method, arg));
      expect(e.code).toBe(ErrorCode.NotFound);
      expect(e.message).toMatch(/^there is no method '/);
      expect(e.message.length).toBeLessThan(200);
    }
    expect(await state()).toEqual(before);
    expect(await svc.openPonds()).toHaveLength(1);
  });

  it('refuses malformed arguments with INVALID_ARGUMENT naming the field, and changes nothing', async () => {
    const before = await state();
    const h = pond.handle;
    const cases: [string, unknown, RegExp][] = [
      ['list', undefined, /bad argument for list: argument/],
      ['list', { pond: h, path: '/', offset: 0 }, /limit/],
      ['list', { pond: h, path: '/', offset: '0', limit: 10 }, /offset/],
      ['list', { pond: h, path: '/', offset: -1, limit: 10 }, /offset/],
      ['list', { pond: h, path: '/', offset: 0.5, limit: 10 }, /offset/],
      ['list', { pond: h, path: '/', offset: 0, limit: 1e9 }, /limit/],
      ['list', { pond: h, path: '/', offset: 0, limit: 0 }, /limit/],
      ['list', { pond: h, path: '/', offset: 0, limit: 10, host: '/etc' }, /host/],
      ['list', { pond: h, path: '../../etc', offset: 0, limit: 10 }, /path/],
      ['list', { pond: h, path: 'C:\\Windows', offset: 0, limit: 10 }, /path/],
      ['list', { pond: h, path: '/a\0b', offset: 0, limit: 10 }, /NUL/],
      ['list', { pond: h, path: '/', offset: 0, limit: 10, filter: '../*' }, /filter/],
      ['list', { pond: 7, path: '/', offset: 0, limit: 10 }, /pond/],
      ['list', [h, '/', 0, 10], /argument/],
      ['details', { pond: h, path: '/data', asOf: 0 }, /asOf/],
      ['preview', { pond: h, path: '/data/readings.series', offset: 0, limit: 10_001 }, /limit/],
      [
        'preview',
        { pond: h, path: '/data/readings.series', offset: 0, limit: 10, sql: 'x'.repeat(100_001) },
        /sql/,
      ],
      ['chart', { pond: h, path: '/data/readings.series', maxPoints: 1 }, /maxPoints/],
      ['history', { pond: h, limit: 1_000_000 }, /limit/],
      ['history', { pond: h, limit: 10, before: -3 }, /before/],
      ['openRecent', 42, /argument/],
      ['openRecent', '', /argument/],
      ['closePond', { handle: h }, /argument/],
      ['appInfo', { anything: true }, /argument/],
      ['createPondDialog', '   ', /argument/],
    ];
    for (const [method, arg, field] of cases) {
      const e = refused(await call(START_URL, method, arg));
      expect(e.code, `${method} ${JSON.stringify(arg)?.slice(0, 80)}`).toBe(
        ErrorCode.InvalidArgument,
      );
      expect(e.message).toMatch(new RegExp(`^bad argument for ${method}: `));
      expect(e.message).toMatch(field);
    }
    expect(dialogAsked).toEqual(['open']); // createPondDialog never reached its dialog
    expect(await state()).toEqual(before);
  });

  it('never lets the page name a host path it was not given', async () => {
    const before = await state();
    // Only paths on the recent list, exactly as listed.
    for (const path of ['/etc', join(pondDir, '..'), `${pondDir}/../pond`, `${pondDir}/`]) {
      const e = refused(await call(START_URL, 'openRecent', path));
      expect(e.code).toBe(ErrorCode.InvalidArgument);
      expect(e.message).toMatch(/is not on the recent ponds list/);
    }
    // `..` in a pond path stays inside the pond: /../../etc is the pond's /etc, which is absent.
    const escape = refused(
      await call(START_URL, 'list', {
        pond: pond.handle,
        path: '/../../etc',
        offset: 0,
        limit: 10,
      }),
    );
    expect([ErrorCode.NotFound, ErrorCode.PathEscape]).toContain(escape.code);
    // SQL over `source` cannot read host files.
    const sql = refused(
      await call(START_URL, 'preview', {
        pond: pond.handle,
        path: '/data/readings.series',
        sql: `SELECT * FROM read_csv('/etc/passwd')`,
        offset: 0,
        limit: 10,
      }),
    );
    expect(sql.code).toBe(ErrorCode.SqlError);
    // Unknown handles are refused by name.
    const handle = refused(
      await call(START_URL, 'list', { pond: 'no-such-pond', path: '/', offset: 0, limit: 10 }),
    );
    expect(handle).toMatchObject({ code: ErrorCode.NotFound, input: 'no-such-pond' });
    // Imports name staged files by id: an id never handed out, or a host path, is refused.
    const file = { source: 'made-up', target: '/data/x.csv', kind: 'table', overrides: {} };
    const unknown = refused(await call(START_URL, 'importPreview', { pond: pond.handle, file }));
    expect(unknown).toMatchObject({ code: ErrorCode.NotFound, input: 'made-up' });
    for (const extra of [{ hostRoot: '/etc' }, { file: '/etc/passwd' }]) {
      const e = refused(
        await call(START_URL, 'importPreview', { pond: pond.handle, file: { ...file, ...extra } }),
      );
      expect(e.code).toBe(ErrorCode.InvalidArgument);
    }
    expect(await state()).toEqual(before);
  });

  it('stages a dropped file only from the app page, as one absolute path to a regular file', async () => {
    const stage = stageHandler(svc);
    const v1 = join(s.dir, 'v1.parquet');
    const staged = await stage(START_URL, v1);
    expect(staged).toMatchObject({ ok: true, value: { name: 'v1.parquet', format: 'parquet' } });
    expect(refused(await stage('https://example.com/', '/etc/hosts')).code).toBe(
      ErrorCode.Unauthorized,
    );
    for (const [path, code] of [
      [42, ErrorCode.InvalidArgument],
      ['', ErrorCode.InvalidArgument],
      ['relative.csv', ErrorCode.InvalidArgument],
      [pondDir, ErrorCode.WrongType],
      [join(pondDir, 'none.csv'), ErrorCode.NotFound],
      ['/dev/null', ErrorCode.WrongType],
    ] as const) {
      expect(refused(await stage(START_URL, path)).code, String(path)).toBe(code);
    }
  });
});
