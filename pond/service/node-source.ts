import { ErrorCode, PondError } from '../../shared/errors.js';
import { nodeRelation } from '../query/node-relation.js';
import type { RelationOptions } from '../query/queryable.js';
import { aType } from '../tinyfs/entry-type.js';
import { isFile, type FileNode } from '../tinyfs/node.js';
import type { PondTxn } from '../tlogfs/transaction.js';

export interface QueryableNode {
  path: string;
  node: FileNode;
  /** SQL usable as `FROM (...)`: the node's rows. */
  relation: string;
}

/** A table or series (stored or derived) as a relation, for previews and charts. */
export async function queryableNode(
  txn: PondTxn,
  path: string,
  options: RelationOptions = {},
): Promise<QueryableNode> {
  const found = await (await txn.wd()).get(path);
  const node = found.node;
  if (!isFile(node)) {
    throw new PondError(
      ErrorCode.WrongType,
      `'${found.path}' is ${aType(node.type)}; only tables and series have rows to show`,
      { input: path },
    );
  }
  const relation = await nodeRelation(node, found.path, { txn, expanding: [] }, options);
  return { path: found.path, node, relation };
}
