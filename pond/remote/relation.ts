import { parseCommit } from '../delta/index.js';
import { commitKey, type LogView } from './log-view.js';
import type { ObjectStore } from './object-store.js';

/** Where a target's history stands against a source's (push: local -> remote; pull: the reverse). */
export type Relation =
  | { kind: 'empty'; sourceTip: number }
  | { kind: 'same'; version: number }
  /** The target lacks the source's newest `by` transactions. */
  | { kind: 'behind'; by: number; targetTip: number; sourceTip: number }
  /** The target has `by` transactions the source lacks. */
  | { kind: 'ahead'; by: number; targetTip: number; sourceTip: number }
  /** The histories differ: another pond, or a copy that committed on its own. */
  | { kind: 'diverged'; reason: string };

export interface LogSide {
  store: ObjectStore;
  view: LogView;
}

/**
 * Compares two logs by the newest version both should hold: commit files carry a unique
 * transaction id, so the same bytes at that version mean the same history up to it. When one side
 * no longer has that commit (log cleanup), the first commits (the pond's identity) decide.
 */
export async function compareLogs(source: LogSide, target: LogSide): Promise<Relation> {
  const s = source.view.tip;
  const t = target.view.tip;
  if (t < 0) return { kind: 'empty', sourceTip: s };
  if (s < 0) return { kind: 'diverged', reason: `${source.store.url} has no Delta log` };
  const v = Math.min(s, t);
  const [a, b] = await Promise.all([
    source.store.read(commitKey(v)),
    target.store.read(commitKey(v)),
  ]);
  if (a && b) {
    if (!a.bytes.equals(b.bytes)) {
      return {
        kind: 'diverged',
        reason: `transaction ${v} differs (${describe(a.bytes, v)} in ${source.store.url}, ${describe(b.bytes, v)} in ${target.store.url})`,
      };
    }
  } else {
    const [a0, b0] = await Promise.all([
      source.store.read(commitKey(0)),
      target.store.read(commitKey(0)),
    ]);
    if (!a0 || !b0 || !a0.bytes.equals(b0.bytes)) {
      const ids = [pondIdOf(a0?.bytes), pondIdOf(b0?.bytes)];
      return {
        kind: 'diverged',
        reason:
          ids[0] && ids[1] && ids[0] !== ids[1]
            ? `they hold different ponds (id ${ids[0]} in ${source.store.url}, id ${ids[1]} in ${target.store.url})`
            : `neither transaction ${v} nor the first one can be compared`,
      };
    }
  }
  if (s === t) return { kind: 'same', version: s };
  if (s > t) return { kind: 'behind', by: s - t, targetTip: t, sourceTip: s };
  return { kind: 'ahead', by: t - s, targetTip: t, sourceTip: s };
}

/** The pond id in a first commit's metaData, if it is one. */
export function pondIdOf(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  try {
    for (const a of parseCommit(bytes.toString('utf8'), 0)) {
      if ('metaData' in a) return a.metaData.configuration['pond.id'];
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function describe(bytes: Buffer, version: number): string {
  try {
    for (const a of parseCommit(bytes.toString('utf8'), version)) {
      if ('commitInfo' in a) {
        const pond = (a.commitInfo as { pond?: { txn_id?: string } }).pond;
        if (pond?.txn_id) return `txn ${pond.txn_id}`;
      }
    }
  } catch {
    return 'unreadable';
  }
  return `${bytes.length} bytes`;
}
