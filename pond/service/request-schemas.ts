import { z } from 'zod';
import type { PondService, PondServiceMethod } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * The schema of every PondService method's argument. Electron's main process and `pond serve`
 * check each message against these before acting: unknown keys, wrong types, out-of-range
 * numbers and oversized strings are refused with INVALID_ARGUMENT naming the field.
 */

const MAX_PAGE = 10_000;
const handle = z.string().min(1).max(100);
const pondPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute pond path (starting with /)')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
const offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const asOf = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const isoTime = z.string().min(1).max(64);
const queryId = z.string().min(1).max(100);
const queryTag = z.strictObject({ id: queryId, slot: z.string().min(1).max(200) });

/** A factory node being edited (NodeRequest, PreviewRequest, ChartRequest, the node editor). */
const draft = z.strictObject({
  factory: z.string().min(1).max(100),
  path: pondPath,
  config: z.string().max(1_000_000),
  overwrite: z.boolean(),
});

const list = z.strictObject({
  pond: handle,
  path: pondPath,
  offset,
  limit: z.number().int().min(1).max(MAX_PAGE),
  filter: z
    .string()
    .max(256)
    .refine((f) => !f.includes('/'), 'is a pattern on names and must not contain /')
    .optional(),
  keepDirectories: z.boolean().optional(),
  all: z.boolean().optional(),
  deep: z.boolean().optional(),
  asOf: asOf.optional(),
});

const node = z.strictObject({
  pond: handle,
  path: pondPath,
  asOf: asOf.optional(),
  query: queryTag.optional(),
  draft: draft.optional(),
});

const preview = z.strictObject({
  pond: handle,
  path: pondPath,
  sql: z.string().max(100_000).optional(),
  sort: z
    .array(z.strictObject({ column: z.string().min(1).max(1024), descending: z.boolean() }))
    .max(16)
    .optional(),
  offset,
  limit: z.number().int().min(1).max(MAX_PAGE),
  asOf: asOf.optional(),
  query: queryTag.optional(),
  draft: draft.optional(),
});

const chart = z.strictObject({
  pond: handle,
  path: pondPath,
  columns: z.array(z.string().min(1).max(1024)).min(1).max(64).optional(),
  start: isoTime.optional(),
  end: isoTime.optional(),
  maxPoints: z.number().int().min(2).max(100_000),
  asOf: asOf.optional(),
  query: queryTag.optional(),
  draft: draft.optional(),
});

const history = z.strictObject({
  pond: handle,
  limit: z.number().int().min(1).max(1000),
  before: asOf.optional(),
});

const pushBackup = z.strictObject({
  pond: handle,
  backup: z.string().min(1).max(64),
});

const runCollector = z.strictObject({
  pond: handle,
  path: pondPath,
  command: z.string().min(1).max(64).optional(),
  args: z.array(z.string().min(1).max(1024)).max(16).optional(),
});

const hostPathText = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
const sortKeys = z
  .array(z.strictObject({ column: z.string().min(1).max(1024), descending: z.boolean() }))
  .max(16);

const exportSettings = z.strictObject({
  patterns: z.array(z.string().max(4096)).min(1).max(64),
  dir: hostPathText,
  temporal: z.array(z.string().min(1).max(16)).max(6),
  startTime: isoTime.optional(),
  endTime: isoTime.optional(),
  templates: z.array(z.string().min(1).max(4096)).max(16),
  vars: z
    .record(z.string().min(1).max(200), z.string().max(10_000))
    .refine((v) => Object.keys(v).length <= 64, 'at most 64 vars'),
  format: z.enum(['parquet', 'csv']),
});

const exportMatches = z.strictObject({
  pond: handle,
  patterns: z.array(z.string().max(4096)).max(64),
  asOf: asOf.optional(),
});

const exportRun = z.strictObject({ pond: handle, settings: exportSettings, asOf: asOf.optional() });

const saveExportProfile = z.strictObject({
  pond: handle,
  path: pondPath,
  settings: exportSettings,
  overwrite: z.boolean(),
});

const exportResult = z.strictObject({
  pond: handle,
  path: pondPath,
  sql: z.string().max(100_000).optional(),
  sort: sortKeys.optional(),
  format: z.enum(['csv', 'parquet', 'jsonl']),
  asOf: asOf.optional(),
});

const txnNumber = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const pondPaths = z.array(pondPath).min(1).max(1000);

const movePaths = z.strictObject({ pond: handle, sources: pondPaths, dest: pondPath });
const removePaths = z.strictObject({
  pond: handle,
  paths: pondPaths,
  recursive: z.boolean().optional(),
});
const renamePath = z.strictObject({
  pond: handle,
  path: pondPath,
  name: z.string().min(1).max(1024),
});
const restorePath = z.strictObject({ pond: handle, path: pondPath, asOf: txnNumber });
const revertTxn = z.strictObject({ pond: handle, txn: txnNumber, force: z.boolean().optional() });
const readersOf = z.strictObject({ pond: handle, paths: pondPaths, asOf: asOf.optional() });
const checkNode = z.strictObject({ pond: handle, draft, query: queryTag.optional() });

const dataRequest = z.strictObject({
  pond: handle,
  path: pondPath,
  asOf: asOf.optional(),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024),
});

const profile = z.strictObject({
  pond: handle,
  path: pondPath,
  sql: z.string().max(100_000).optional(),
  columns: z.array(z.string().min(1).max(1024)).min(1).max(64),
  asOf: asOf.optional(),
  query: queryTag.optional(),
});

const sourceId = z.string().min(1).max(100);
const columnName = z.string().min(1).max(1024);

const importOverrides = z.strictObject({
  delimiter: z.string().min(1).max(4).optional(),
  quote: z.string().max(1).optional(),
  escape: z.string().max(1).optional(),
  header: z.boolean().optional(),
  skip: z.number().int().min(0).max(1_000_000).optional(),
  encoding: z.enum(['utf-8', 'utf-16', 'latin-1']).optional(),
  nullStrings: z.array(z.string().max(100)).max(32).optional(),
  columns: z
    .array(
      z.strictObject({
        column: columnName,
        rename: columnName.optional(),
        type: z.string().min(1).max(200).optional(),
        skip: z.boolean().optional(),
      }),
    )
    .max(4096)
    .optional(),
  timestampColumn: columnName.optional(),
  timestampFormat: z.string().min(1).max(200).optional(),
  skipRejected: z.boolean().optional(),
});

const importFile = z.strictObject({
  source: sourceId,
  target: pondPath,
  kind: z.enum(['data', 'table', 'series']),
  overrides: importOverrides,
});

const none = z.undefined();

export const REQUEST_SCHEMAS = {
  appInfo: none,
  openPonds: none,
  firstScreen: z.strictObject({ rootLimit: list.shape.limit }),
  recentPonds: none,
  openRecent: z.string().min(1).max(4096),
  openPondDialog: none,
  createPondDialog: z.string().trim().min(1).max(200),
  openDemoPond: none,
  closePond: handle,
  list,
  details: node,
  preview,
  chart,
  history,
  cancelQuery: queryId,
  jobs: none,
  cancelJob: z.string().min(1).max(100),
  backups: handle,
  pushBackup,
  collectors: handle,
  runCollector,
  exportMatches,
  exportPlan: exportRun,
  exportRun,
  exportProfiles: z.strictObject({ pond: handle, asOf: asOf.optional() }),
  saveExportProfile,
  exportResult,
  chooseExportFolder: none,
  chooseTemplateFile: none,
  showExportFolder: z.string().min(1).max(100),
  makeFolder: z.strictObject({ pond: handle, path: pondPath }),
  renamePath,
  movePaths,
  removePaths,
  restorePath,
  revertTxn,
  revertPlan: z.strictObject({ pond: handle, txn: txnNumber }),
  readersOf,
  factories: none,
  checkNode,
  saveNode: z.strictObject({ pond: handle, draft }),
  downsampledViews: node,
  forgetRecent: z.string().min(1).max(4096),
  readData: dataRequest,
  profile,
  importProposal: z.strictObject({ pond: handle, source: sourceId, dest: pondPath }),
  importPreview: z.strictObject({ pond: handle, file: importFile, query: queryTag.optional() }),
  importRun: z.strictObject({
    pond: handle,
    files: z.array(importFile).min(1).max(100),
    transactions: z.enum(['one', 'each']),
  }),
  releaseImportSources: z.array(sourceId).max(1000),
  chooseImportFiles: none,
} satisfies Record<PondServiceMethod, z.ZodType>;

// Compile-time check: what each schema accepts is what the method takes.
type Arg<M extends PondServiceMethod> = Parameters<PondService[M]>[0];
type Accepts<M extends PondServiceMethod> = z.infer<(typeof REQUEST_SCHEMAS)[M]>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _checks: {
  [M in PondServiceMethod]: Same<Accepts<M>, Arg<M>>;
} = {
  appInfo: true,
  openPonds: true,
  firstScreen: true,
  recentPonds: true,
  openRecent: true,
  openPondDialog: true,
  createPondDialog: true,
  openDemoPond: true,
  closePond: true,
  list: true,
  details: true,
  preview: true,
  chart: true,
  history: true,
  cancelQuery: true,
  jobs: true,
  cancelJob: true,
  backups: true,
  pushBackup: true,
  collectors: true,
  runCollector: true,
  exportMatches: true,
  exportPlan: true,
  exportRun: true,
  exportProfiles: true,
  saveExportProfile: true,
  exportResult: true,
  chooseExportFolder: true,
  chooseTemplateFile: true,
  showExportFolder: true,
  makeFolder: true,
  renamePath: true,
  movePaths: true,
  removePaths: true,
  restorePath: true,
  revertTxn: true,
  revertPlan: true,
  readersOf: true,
  factories: true,
  checkNode: true,
  saveNode: true,
  downsampledViews: true,
  forgetRecent: true,
  readData: true,
  profile: true,
  importProposal: true,
  importPreview: true,
  importRun: true,
  releaseImportSources: true,
  chooseImportFiles: true,
};
void _checks;

/** Checks a message's argument; throws PondError(INVALID_ARGUMENT) saying what is wrong. */
export function validateRequest<M extends PondServiceMethod>(method: M, arg: unknown): Arg<M> {
  const r = REQUEST_SCHEMAS[method].safeParse(arg);
  if (r.success) return r.data as Arg<M>;
  const problems = r.error.issues.map((i) => {
    const where = i.path.length === 0 ? 'argument' : i.path.map(String).join('.');
    return `${where}: ${i.message}`;
  });
  throw new PondError(
    ErrorCode.InvalidArgument,
    `bad argument for ${method}: ${problems.join('; ')}`,
    { input: method },
  );
}
