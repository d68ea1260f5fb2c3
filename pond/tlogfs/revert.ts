import { ErrorCode, PondError } from '../../shared/errors.js';
import type { EntryType } from '../tinyfs/entry-type.js';
import type { NodeId } from '../tinyfs/node-id.js';
import { joinPath } from '../tinyfs/path.js';
import { TlogDirectory } from './directory-node.js';
import { homeOf } from './directory-snapshot.js';
import { restoreContent } from './node-restore.js';
import type { PondTxn } from './transaction.js';
import { TreeIndex, type Place } from './tree-index.js';
import {
  prefetchNodes,
  txnChanges,
  type Relisted,
  type Rewritten,
  type Slot,
} from './txn-changes.js';

/** One thing a revert does. */
export interface RevertStep {
  /**
   * remove: the transaction made the node (or brought it back); move back: it moved the node;
   * bring back: it removed the node; restore content: it wrote new versions of the node, which
   * gets again the content it had before.
   */
  kind: 'remove' | 'move back' | 'bring back' | 'restore content';
  /** The node's path now (for bring back: the path it comes back to). */
  path: string;
  /** move back: the path it goes back to. */
  to?: string;
  type: EntryType;
}

/** Why a revert cannot simply go ahead. */
export interface RevertConflict {
  path: string;
  /** The later transaction that changed it, when one is known. */
  txn?: number;
  reason: string;
  /** true: --force goes ahead and undoes the later change too; false: no flag can do the step. */
  forceable: boolean;
}

export interface RevertPlan {
  /** The transaction to revert. */
  txn: number;
  steps: RevertStep[];
  conflicts: RevertConflict[];
}

/** A plan with what applying it needs. */
interface Plan extends RevertPlan {
  index: TreeIndex;
  moves: { node: Relisted; now: Place | undefined; target: Slot | undefined }[];
  rewritten: Rewritten[];
}

/**
 * What reverting transaction `seq` would do, and what stands in its way, in the pond as `txn`
 * sees it (a read view for a preview, or the write transaction that will apply it). Undo means:
 * every node the transaction put in, took out of or moved in the tree goes back to where it was
 * listed before it (or leaves the tree, if it was not in it), and every node it wrote versions
 * of gets again the content it had before. A later transaction that changed the same nodes is a
 * conflict (--force undoes its change to them too); a step that cannot be done at all (the
 * directory to go back to is gone, the name is taken) is a conflict no flag overrides.
 */
export async function planRevert(txn: PondTxn, seq: number): Promise<RevertPlan> {
  return publicPlan(await makePlan(txn, seq));
}

function publicPlan(p: Plan): RevertPlan {
  return { txn: p.txn, steps: p.steps, conflicts: p.conflicts };
}

/** Reverts transaction `seq` in this write transaction, or throws the conflicts. */
export async function revertTxn(
  txn: PondTxn,
  seq: number,
  options: { force?: boolean } = {},
): Promise<RevertPlan> {
  const plan = await makePlan(txn, seq);
  const blocking = plan.conflicts.filter((c) => !c.forceable);
  if (blocking.length > 0 || (plan.conflicts.length > 0 && !options.force)) {
    const list = (blocking.length > 0 ? blocking : plan.conflicts)
      .map((c) => `\n  ${c.path}: ${c.reason}${c.txn ? ` (transaction ${c.txn})` : ''}`)
      .join('');
    throw new PondError(
      ErrorCode.Conflict,
      blocking.length > 0
        ? `cannot revert transaction ${seq}:${list}`
        : `cannot revert transaction ${seq}: later transactions changed the same paths:${list}\n(--force reverts anyway and undoes those later changes to them)`,
      { input: plan.conflicts[0]!.path },
    );
  }
  const before = seq - 1;
  const restored = new Set<NodeId>();
  for (const r of plan.rewritten) {
    if (await restoreContent(txn, r, before)) restored.add(r.id);
  }
  const pathOf = (p: { dirId: NodeId; name: string }) =>
    joinPath(plan.index.dirPath(p.dirId)!, p.name);
  const placed = new Set<NodeId>();
  // Everything leaves its place first, so a name freed by one step can be taken by another.
  for (const m of plan.moves) {
    if (m.now) await txn.deleteEntry(m.now.dirId, m.now.dirPath, m.now.name);
  }
  for (const { node, now, target } of plan.moves) {
    if (target) {
      const dir = new TlogDirectory(txn, target.dirId, plan.index.dirPath(target.dirId)!);
      await dir.place(target.name, target.entry, homeOf(target.entry, target.dirId));
      placed.add(node.id);
      txn.changes.push(
        now
          ? { path: pathOf(target), action: 'moved', type: node.type, from: pathOf(now) }
          : { path: pathOf(target), action: 'restored', type: node.type, asOf: before },
      );
    } else if (now) {
      txn.changes.push({ path: pathOf(now), action: 'removed', type: node.type });
    }
  }
  const moveOf = new Map(plan.moves.map((m) => [m.node.id, m]));
  for (const r of plan.rewritten) {
    if (!restored.has(r.id)) continue;
    const move = moveOf.get(r.id);
    if (move?.target && !move.now) continue; // brought back: already recorded as restored
    const place = move?.target ?? plan.index.placeOf(r.id)!;
    if (!placed.has(r.id)) {
      const dir = new TlogDirectory(txn, place.dirId, plan.index.dirPath(place.dirId)!);
      await dir.refresh(place.name);
    }
    txn.changes.push({ path: pathOf(place), action: 'restored', type: r.type, asOf: before });
  }
  txn.forgetNodes();
  return publicPlan(plan);
}

async function makePlan(txn: PondTxn, seq: number): Promise<Plan> {
  const changes = await txnChanges(txn, seq);
  const index = await TreeIndex.build(txn);
  const reader = txn.services.reader;
  const last = txn.lastVisible;
  let thenIndex: TreeIndex | undefined;
  /** A node's path now, else its path when the transaction ran. */
  const nameOf = async (id: NodeId): Promise<string> => {
    const now = index.pathOf(id);
    if (now) return now;
    thenIndex ??= await TreeIndex.build(txn.asOf(seq));
    return thenIndex.pathOf(id) ?? `node ${id}`;
  };
  const slotPath = async (s: Slot): Promise<string> => {
    const dir = index.dirPath(s.dirId);
    if (dir) return joinPath(dir, s.name);
    thenIndex ??= await TreeIndex.build(txn.asOf(seq));
    return joinPath(thenIndex.dirPath(s.dirId) ?? `(directory ${s.dirId})`, s.name);
  };
  /** The first transaction after `seq` that wrote a version of the node. */
  const laterVersion = async (home: NodeId, id: NodeId): Promise<number | undefined> =>
    (await reader.versions(home, id, last)).find((r) => r.txn_seq > seq)?.txn_seq;
  /** The first transaction after `seq` whose listing of a directory changed what a name holds. */
  const laterListing = async (s: Slot): Promise<number | undefined> => {
    for (const row of await reader.versions(s.dirId, s.dirId, last)) {
      if (row.txn_seq <= seq) continue;
      const listing = await txn.decodeSnapshot(row, `directory ${s.dirId}`);
      if (listing.get(s.name)?.id !== s.entry.id) return row.txn_seq;
    }
    return undefined;
  };

  await prefetchNodes(txn, [...changes.rewritten, ...changes.made]);
  const conflicts: RevertConflict[] = [];
  const steps: RevertStep[] = [];
  const moves: Plan['moves'] = [];
  const leaving = new Set<string>();
  for (const node of changes.relisted) {
    const now = index.placeOf(node.id);
    const target = node.before;
    if (node.after) {
      if (!now || now.dirId !== node.after.dirId || now.name !== node.after.name) {
        conflicts.push({
          path: await slotPath(node.after),
          ...laterTxn(await laterListing(node.after)),
          reason: now
            ? `moved later to ${joinPath(now.dirPath, now.name)}`
            : 'removed later (or its folder was)',
          forceable: true,
        });
      }
    } else if (now) {
      conflicts.push({
        path: joinPath(now.dirPath, now.name),
        reason: 'was brought back later',
        forceable: true,
      });
    }
    if (now && target && now.dirId === target.dirId && now.name === target.name) continue;
    if (!now && !target) continue;
    moves.push({ node, now, target });
    if (now) leaving.add(`${now.dirId}/${now.name}`);
  }
  for (const m of moves) {
    const { node, now, target } = m;
    if (target) {
      const dirPath = index.dirPath(target.dirId);
      if (!dirPath) {
        conflicts.push({
          path: await slotPath(target),
          reason: `cannot go back: its directory is no longer in the pond (restore it first)`,
          forceable: false,
        });
        continue;
      }
      const to = joinPath(dirPath, target.name);
      const holder = (await txn.entries(target.dirId, dirPath)).get(target.name);
      if (holder && holder.id !== node.id && !leaving.has(`${target.dirId}/${target.name}`)) {
        conflicts.push({
          path: to,
          ...laterTxn(await laterListing(target)),
          reason: `cannot go back: the name is now taken by another ${holder.type} (move or remove it first)`,
          forceable: false,
        });
      }
      const self = index.pathOf(node.id);
      if (
        node.type === 'directory' &&
        self &&
        (dirPath === self || dirPath.startsWith(`${self}/`))
      ) {
        conflicts.push({
          path: self,
          reason: `cannot go back to ${to}: that is inside itself now`,
          forceable: false,
        });
      }
      steps.push(
        now
          ? { kind: 'move back', path: joinPath(now.dirPath, now.name), to, type: node.type }
          : { kind: 'bring back', path: to, type: node.type },
      );
    } else if (now) {
      steps.push({ kind: 'remove', path: joinPath(now.dirPath, now.name), type: node.type });
    }
  }

  const staysOut = new Set(moves.filter((m) => !m.target).map((m) => m.node.id));
  const comesBack = new Set(moves.filter((m) => m.target).map((m) => m.node.id));
  for (const r of changes.rewritten) {
    const later = await laterVersion(r.home, r.id);
    const path = await nameOf(r.id);
    if (later !== undefined) {
      conflicts.push({ path, txn: later, reason: 'has newer versions', forceable: true });
    }
    if (staysOut.has(r.id) || (!index.placeOf(r.id) && !comesBack.has(r.id))) {
      conflicts.push({
        path,
        reason: 'cannot restore its content: it is no longer in the pond',
        forceable: false,
      });
      continue;
    }
    steps.push({ kind: 'restore content', path, type: r.type });
  }
  for (const m of changes.made) {
    const later = await laterVersion(m.home, m.id);
    if (later === undefined) continue;
    conflicts.push({
      path: await nameOf(m.id),
      txn: later,
      reason: `made by transaction ${seq} and changed later`,
      forceable: true,
    });
  }
  conflicts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { txn: seq, steps, conflicts, index, moves, rewritten: changes.rewritten };
}

function laterTxn(txn: number | undefined): { txn?: number } {
  return txn === undefined ? {} : { txn };
}
