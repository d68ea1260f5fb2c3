import { readFile } from 'node:fs/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { ErrorCode, PondError, hostRefusal, messageOf } from '../../shared/errors.js';
import { ConfigObject, configError } from '../config/config.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { parseUrl } from '../query/url.js';
import { isDirectory } from '../tinyfs/node.js';
import { resolvePath } from '../tinyfs/path.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import type { ImportOverrides } from '../../shared/import.js';
import { APPLY_KEYS } from '../import/import-advice.js';
import { overridesFromSpec } from '../import/overrides.js';
import { planImport } from '../import/plan.js';
import { placeImport, prepareImport, type PreparedImport } from '../import/run.js';
import { placeNode, validateNode, type PlaceResult } from './mknod.js';

/**
 * `pond apply -f FILE...`: k8s-style documents (`version: v1`, `kind: mkdir|copy|mknod`,
 * `metadata.path`, `spec`) made true in one transaction. Every document is read and checked,
 * and every copy converted, before the transaction starts; a document that fails there or
 * inside the transaction changes nothing. Re-applying the same files changes nothing.
 */
export type ApplyDoc =
  | { where: string; kind: 'mkdir'; path: string }
  | {
      where: string;
      kind: 'copy';
      path: string;
      source: string;
      overwrite: boolean;
      /** The same choices as `pond copy`'s flags. */
      overrides: ImportOverrides;
    }
  | { where: string; kind: 'mknod'; path: string; factory: string; config: string };

export interface ApplyOutcome {
  path: string;
  kind: ApplyDoc['kind'];
  result: PlaceResult;
}

const KINDS = ['mkdir', 'copy', 'mknod'] as const;

/** Reads and checks every document of every file. */
export async function readApplyFiles(
  files: string[],
  registry: FactoryRegistry,
): Promise<ApplyDoc[]> {
  if (files.length === 0) {
    throw new PondError(ErrorCode.InvalidArgument, 'apply needs at least one file: -f FILE');
  }
  const docs: ApplyDoc[] = [];
  const claimed = new Map<string, string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((e: unknown) => {
      const { code, reason } = hostRefusal(e);
      throw new PondError(code, `cannot read ${file}: ${reason}`, { input: file, cause: e });
    });
    const parsed = parseAllDocuments(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const present = list.filter((d) => d.contents !== null);
    if (present.length === 0) throw configError(file, '', 'holds no documents');
    for (const [i, d] of present.entries()) {
      const where = `${file}[${i}]`;
      if (d.errors.length > 0) {
        throw configError(where, '', `not valid YAML: ${d.errors[0]!.message.split('\n')[0]}`);
      }
      const doc = readDoc(d.toJS() as unknown, where, registry);
      const other = claimed.get(doc.path);
      if (other !== undefined) {
        throw configError(where, 'metadata.path', `${doc.path} is also claimed by ${other}`);
      }
      claimed.set(doc.path, where);
      docs.push(doc);
    }
  }
  // Directories first, then files, then factory nodes (which may read both); shallow first.
  const depth = (p: string) => p.split('/').length;
  return docs.sort(
    (a, b) =>
      KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
      depth(a.path) - depth(b.path) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

function readDoc(value: unknown, where: string, registry: FactoryRegistry): ApplyDoc {
  const c = new ConfigObject(value, where);
  const version = c.string('version');
  if (version !== 'v1') throw configError(where, 'version', `'${version}' is not supported (v1)`);
  const kind = c.string('kind');
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw configError(where, 'kind', `'${kind}' is not a kind (${KINDS.join(', ')})`);
  }
  const meta = c.object('metadata');
  const raw = meta.string('path');
  meta.done();
  if (!raw.startsWith('/'))
    throw configError(where, 'metadata.path', `'${raw}' must be an absolute pond path`);
  const path = resolvePath(raw);
  let doc: ApplyDoc;
  if (kind === 'mkdir') {
    if (c.object('spec', true)) throw configError(where, 'spec', 'mkdir takes no spec');
    doc = { where, kind, path };
  } else if (kind === 'copy') {
    const spec = c.object('spec');
    const source = spec.string('source');
    const overwrite = spec.boolean('overwrite', true) ?? false;
    const overrides = readCopyOptions(spec, where);
    spec.done();
    if (!parseUrl(source).host) {
      throw configError(where, 'spec.source', `'${source}' must be a host URL (host:///...)`);
    }
    doc = { where, kind, path, source, overwrite, overrides };
  } else {
    const spec = c.object('spec');
    const factory = spec.string('factory');
    const config = stringify(spec.raw('config'));
    spec.done();
    try {
      validateNode(registry, { factory, path, config });
    } catch (e) {
      throw configError(where, 'spec', messageOf(e));
    }
    doc = { where, kind: 'mknod', path, factory, config };
  }
  c.done();
  return doc;
}

/** A copy document's import options: `pond copy`'s flags in snake_case. */
function readCopyOptions(spec: ConfigObject, where: string): ImportOverrides {
  const header = spec.boolean('header', true);
  const skipRejected = spec.boolean('skip_rejected', true);
  const skip = spec.number('skip', true);
  const opt = (k: string) => spec.string(k, true);
  // A quote or escape may be '' (none), which string() refuses.
  const char = (k: string) => {
    if (!spec.has(k)) return opt(k);
    const v = spec.raw(k);
    if (typeof v !== 'string') throw configError(where, `spec.${k}`, 'must be a string');
    return v;
  };
  const list = (k: string) => spec.stringList(k, true);
  const input = {
    delimiter: opt('delimiter'),
    quote: char('quote'),
    escape: char('escape'),
    header,
    skip,
    encoding: opt('encoding'),
    null: list('null'),
    column: list('columns'),
    skipColumn: list('skip_columns'),
    timestampColumn: opt('timestamp_column'),
    timestampFormat: opt('timestamp_format'),
    skipRejected,
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  return overridesFromSpec(defined, `${where}: spec: `, APPLY_KEYS);
}

/** Applies checked documents in one transaction; nothing is committed when nothing changes. */
export async function applyDocs(
  pond: Pond,
  registry: FactoryRegistry,
  docs: ApplyDoc[],
  meta: TxnMeta,
  options: { hostRoot?: string; warn?: (m: string) => void } = {},
): Promise<{ outcomes: ApplyOutcome[]; seq: number | undefined }> {
  const copies = new Map<ApplyDoc, PreparedImport>();
  try {
    for (const d of docs) {
      if (d.kind !== 'copy') continue;
      try {
        const plans = await planImport(pond, {
          sources: [d.source],
          dest: d.path,
          overrides: d.overrides,
          advice: APPLY_KEYS,
          exact: true,
          ...(options.hostRoot ? { hostRoot: options.hostRoot } : {}),
        });
        copies.set(
          d,
          await prepareImport(pond, plans, {
            advice: APPLY_KEYS,
            ...(options.warn ? { onRejected: options.warn } : {}),
          }),
        );
      } catch (e) {
        throw prefixed(e, d.where);
      }
    }
    const { seq, result } = await pond.write(meta, async (txn) => {
      const wd = await txn.wd();
      const outcomes: ApplyOutcome[] = [];
      for (const d of docs) {
        let result: PlaceResult;
        try {
          if (d.kind === 'mkdir') {
            const r = await wd.lookup(d.path);
            if (r.found && isDirectory(r.node)) result = 'unchanged';
            else {
              await wd.mkdir(d.path, { parents: true });
              result = 'created';
            }
          } else if (d.kind === 'copy') {
            const files = await placeImport(txn, copies.get(d)!, {
              unchangedOk: true,
              ...(d.overwrite ? {} : { refuseExisting: 'set overwrite: true to replace it' }),
            });
            result = files.every((f) => f.unchanged)
              ? 'unchanged'
              : files.some((f) => !f.created)
                ? 'updated'
                : 'created';
          } else {
            result = await placeNode(txn, registry, d, {
              overwrite: true,
              parents: true,
              ...(options.warn ? { warn: options.warn } : {}),
            });
          }
        } catch (e) {
          throw prefixed(e, d.where);
        }
        outcomes.push({ path: d.path, kind: d.kind, result });
      }
      return outcomes;
    });
    return { outcomes: result, seq };
  } finally {
    for (const p of copies.values()) await p.cleanup();
  }
}

/** The same error, its message prefixed with the document it came from. */
function prefixed(e: unknown, where: string): unknown {
  if (!(e instanceof PondError) || e.message.startsWith(where)) return e;
  return new PondError(e.code, `${where}: ${e.message}`, {
    ...(e.input === undefined ? {} : { input: e.input }),
    cause: e,
  });
}
