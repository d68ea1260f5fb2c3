import type { ConfigProblem, DraftNode, EntryKind, NodeCheck } from '../../shared/api.js';
import { ErrorCode, isPondError, toErrorInfo } from '../../shared/errors.js';
import { isDirectory, isFile, type PondNode } from '../tinyfs/node.js';
import { joinPath, resolvePath } from '../tinyfs/path.js';
import { locateKey, yamlErrorSpan, type Span } from './config-location.js';
import { refuseHostReads } from './app-draft-reads.js';
import { placeDraft } from './draft-view.js';
import type { OpenPond } from './pond-registry.js';

/** Outputs listed (the editor's preview picks among them) and counted (beyond: "more"). */
const OUTPUTS_LISTED = 200;
const NODES_VISITED = 10_000;

/**
 * mknod's checks of a factory node before it is made, for the app's editor: the config against
 * its factory (unknown keys, types, durations, input schemes), then the node placed and built
 * in a write transaction that is never committed (bad SQL with DuckDB's message, a missing
 * column, a node that reads itself), with mknod's warnings (an input that matches nothing).
 * The functions `pond mknod` runs, so the CLI and the app refuse and warn alike. Each problem
 * is placed in the config text where it can be. Stops between steps when `signal` aborts.
 */
export async function checkNode(
  open: OpenPond,
  draft: DraftNode,
  signal?: AbortSignal,
): Promise<NodeCheck> {
  const warnings: string[] = [];
  try {
    const checked = await open.pond.draft(async (txn): Promise<NodeCheck> => {
      await placeDraft(txn, open.registry, draft, (m) => warnings.push(m));
      signal?.throwIfAborted();
      const path = resolvePath(draft.path);
      const { outputs, total } = await outputsOf((await (await txn.wd()).get(path)).node, path);
      return {
        ok: true,
        problems: warnings.map((w) => warning(w, draft.config)),
        outputs,
        outputsTotal: total,
      };
    });
    await refuseHostReads(open, draft, signal);
    return checked;
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    return {
      ok: false,
      problems: [problemOf(e, draft.config), ...warnings.map((w) => warning(w, draft.config))],
      outputs: [],
      outputsTotal: 0,
    };
  }
}

/** An error of the check, placed in the config where the engine's error says. */
function problemOf(e: unknown, config: string): ConfigProblem {
  const info = toErrorInfo(e);
  const sql = isPondError(e, ErrorCode.SqlError);
  // DuckDB's message without the whole generated query after it.
  const message = sql ? info.message.split('\nin query:')[0]! : info.message;
  const place = sql ? locateKey(config, 'query') : placeOf(info.input, info.message, config);
  return {
    severity: 'error',
    message,
    code: info.code,
    ...(isPondError(e, ErrorCode.BadConfig) && info.input ? { key: info.input } : {}),
    ...(place ?? {}),
    ...(info.cause !== undefined && !sql ? { cause: info.cause } : {}),
  };
}

function warning(message: string, config: string): ConfigProblem {
  // mknod's warnings name the pattern they are about: `'/x/*.series' matches nothing yet`.
  const quoted = /'([^']+)'/.exec(message.slice(message.indexOf(': ') + 2))?.[1];
  return { severity: 'warning', message, ...(placeOf(quoted, message, config) ?? {}) };
}

/** The key the input names, else the input's own text in the config, else a YAML error. */
function placeOf(input: string | undefined, message: string, config: string): Span | undefined {
  if (/not valid YAML/.test(message)) return yamlErrorSpan(config);
  if (!input) return undefined;
  const key = locateKey(config, input);
  if (key) return key;
  const at = config.indexOf(input);
  return at >= 0 ? { from: at, to: at + input.length } : undefined;
}

/** The tables and series a node makes: itself, or the files under a derived directory. */
async function outputsOf(
  node: PondNode,
  path: string,
): Promise<{ outputs: NodeCheck['outputs']; total: number }> {
  const outputs: NodeCheck['outputs'] = [];
  let total = 0;
  let visited = 0;
  const add = (p: string, kind: EntryKind) => {
    total++;
    if (outputs.length < OUTPUTS_LISTED) outputs.push({ path: p, kind });
  };
  const walk = async (n: PondNode, p: string): Promise<void> => {
    if (++visited > NODES_VISITED) return;
    if (isFile(n)) {
      if (n.type === 'table' || n.type === 'series') add(p, n.type);
      return;
    }
    if (!isDirectory(n)) return;
    for (const e of await n.entries()) {
      const child = await n.child(e.name);
      if (child) await walk(child, joinPath(p, e.name));
    }
  };
  await walk(node, path);
  return { outputs, total };
}
