import type { TreeModel } from '../tree/tree-model';

/**
 * The tree on screen, so an edit can keep it in step: a renamed or moved folder stays open
 * under its new path, and the folder an edit made something in opens. The tree links its model
 * when it makes one (a new one for each transaction and filter).
 */
let linked: TreeModel | undefined;

export function linkTree(model: TreeModel): () => void {
  linked = model;
  return () => {
    if (linked === model) linked = undefined;
  };
}

export function treeFollowMove(from: string, to: string): void {
  linked?.followMove(from, to);
}

export function treeExpand(path: string): void {
  if (path !== '/') linked?.expand(path);
}
