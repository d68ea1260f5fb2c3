import type { DraftNode } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { isDirectory, isFile, type PondNode } from '../tinyfs/node.js';
import { joinPath, resolvePath } from '../tinyfs/path.js';
import { placeDraft } from './draft-view.js';
import { queryableNode } from './node-source.js';
import type { OpenPond } from './pond-registry.js';

/** How many nodes of a derived directory are looked at (as the editor's check lists them). */
const NODES_VISITED = 10_000;

/**
 * Refuses a factory node from the app whose SQL reads the host's files (`read_csv('/etc/passwd')`,
 * `glob('/*')` in a query): the app names host paths only through its dialogs (DESIGN §6), and
 * the pond's own commands (`cat`, `export`, `mirror`) run a stored node's SQL with the host's
 * files in reach, so such a node would carry the host's files out of the browser's reach into
 * it. Every table and series the draft makes is bound on the pond's locked-down engine (the
 * one the app's previews use), and DuckDB's own "Permission Error" is the refusal: no guessing
 * at SQL. Other failures are the preview's to show.
 */
export async function refuseHostReads(
  open: OpenPond,
  draft: DraftNode,
  signal?: AbortSignal,
): Promise<void> {
  // A draft that does not place (a bad config, a taken path) is the save's to refuse.
  const made = await open.pond
    .draft(async (txn) => {
      await placeDraft(txn, open.registry, draft);
      const out: { path: string; relation: string }[] = [];
      let visited = 0;
      const walk = async (node: PondNode, path: string): Promise<void> => {
        if (++visited > NODES_VISITED) return;
        if (isFile(node)) {
          if (node.type !== 'table' && node.type !== 'series') return;
          const relation = await queryableNode(txn, path).catch(() => undefined);
          if (relation) out.push({ path, relation: relation.relation });
          return;
        }
        if (!isDirectory(node)) return;
        for (const e of await node.entries()) {
          const child = await node.child(e.name);
          if (child) await walk(child, joinPath(path, e.name));
        }
      };
      const path = resolvePath(draft.path);
      await walk((await (await txn.wd()).get(path)).node, path);
      return out;
    })
    .catch(() => []);
  for (const { path, relation } of made) {
    const refusal = await open.engine
      .withConnection((c) => c.run(`DESCRIBE SELECT * FROM (${relation})`), signal)
      .then(
        () => undefined,
        (e: unknown) => /Permission Error: ([^\n]*)/.exec(String(e))?.[1],
      );
    if (refusal === undefined) continue;
    throw new PondError(
      ErrorCode.Unsupported,
      `${draft.path} (${draft.factory}): ${path} reads the host's files (${refusal.replace(/ - file system operations are disabled by configuration$/, '')}); the app's derived nodes read only the pond: make it with pond mknod`,
      { input: draft.path },
    );
  }
}
