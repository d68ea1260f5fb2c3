/**
 * The SQL each node was left with in this tab (the text in the box and the query that ran), so
 * coming back to a node shows what it showed, and another node opens on its own rows. Kept in
 * memory only: a reload starts every node on its rows.
 */
export interface NodeQuery {
  text: string;
  ran: string | undefined;
}

const queries = new Map<string, NodeQuery>();

function key(pondPath: string, nodePath: string): string {
  return `${pondPath}\n${nodePath}`;
}

export function nodeQuery(pondPath: string, nodePath: string): NodeQuery | undefined {
  return queries.get(key(pondPath, nodePath));
}

export function keepNodeQuery(pondPath: string, nodePath: string, q: NodeQuery): void {
  queries.set(key(pondPath, nodePath), q);
}
