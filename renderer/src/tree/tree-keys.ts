import type { TreeModel, TreeRow } from './tree-model';

export type TreeKeyAction =
  | { kind: 'focus'; index: number }
  | { kind: 'expand'; path: string }
  | { kind: 'collapse'; path: string }
  | { kind: 'activate' };

/** What a key does in the tree (the WAI-ARIA tree view pattern). */
export function treeKeyAction(
  key: string,
  rows: TreeRow[],
  at: number,
  model: Pick<TreeModel, 'isExpanded'>,
): TreeKeyAction | undefined {
  const last = rows.length - 1;
  const row = rows[at];
  switch (key) {
    case 'ArrowDown':
      return { kind: 'focus', index: Math.min(last, at + 1) };
    case 'ArrowUp':
      return { kind: 'focus', index: Math.max(0, at - 1) };
    case 'Home':
      return { kind: 'focus', index: 0 };
    case 'End':
      return { kind: 'focus', index: Math.max(0, last) };
    case 'Enter':
    case ' ':
      return { kind: 'activate' };
    case 'ArrowRight': {
      if (row?.type !== 'entry' || row.entry.kind !== 'directory') return undefined;
      if (!model.isExpanded(row.entry.path)) return { kind: 'expand', path: row.entry.path };
      // Already open: go to its first child.
      return at < last ? { kind: 'focus', index: at + 1 } : undefined;
    }
    case 'ArrowLeft': {
      if (!row) return undefined;
      if (
        row.type === 'entry' &&
        row.entry.kind === 'directory' &&
        model.isExpanded(row.entry.path)
      )
        return { kind: 'collapse', path: row.entry.path };
      // Closed or a file: go to its parent directory's row.
      for (let i = at - 1; i >= 0; i--) {
        if (rows[i]!.depth < row.depth) return { kind: 'focus', index: i };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
