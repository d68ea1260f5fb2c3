import type { ChangeInfo, EditResult, JobInfo, WriteJobResult } from '../../../shared/api';
import { ErrorCode, toErrorInfo } from '../../../shared/errors';
import type { PondClient } from '../../../shared/wire';
import { useApp } from '../state/app-store';
import { useEdit } from './edit-store';
import { afterMove, childPath, isUnder, nameOf, parentOf } from './paths';
import { treeExpand, treeFollowMove } from './tree-link';
import { untilJobEnds } from './write-job';

/**
 * The app's edits of the open pond (DESIGN §6: new folder, rename, move, delete, restore,
 * revert, undo). Each starts a write job and waits for it; then the selection and the open
 * folders follow what it moved, views of what it changed are read again, and a notice says
 * what it did (with the derived nodes whose inputs it took away or brought) or why it was
 * refused. The tree, the toolbar and History read the pond again when any write job ends.
 */

type Start = (client: PondClient, pond: string) => Promise<JobInfo>;

/** Runs one edit; the job's result when it committed (or had nothing to change). */
async function runEdit(
  what: (r: WriteJobResult<EditResult>) => string,
  start: Start,
  options: { undoable: boolean } = { undoable: true },
): Promise<WriteJobResult<EditResult> | undefined> {
  const { client, pond, asOf } = useApp.getState();
  const { setNotice } = useEdit.getState();
  if (!client || !pond) return undefined;
  if (asOf) {
    setNotice({
      kind: 'refused',
      text: `The pond is shown as of transaction ${asOf.txn}, read-only: return to the latest to change it`,
    });
    return undefined;
  }
  let end: JobInfo;
  try {
    end = await untilJobEnds(await start(client, pond.handle), options);
  } catch (e) {
    setNotice({ kind: 'refused', text: 'Refused', error: toErrorInfo(e) });
    return undefined;
  }
  if (end.state !== 'done') {
    const cancelled = end.state === 'cancelled' || end.error?.code === ErrorCode.Cancelled;
    setNotice({
      kind: 'refused',
      text: cancelled ? `${end.kind} was cancelled: nothing changed` : `${end.kind} failed`,
      ...(end.error && !cancelled ? { error: end.error } : {}),
    });
    return undefined;
  }
  const r = end.result as WriteJobResult<EditResult>;
  follow(r.value.changes);
  setNotice({
    kind: 'done',
    text:
      r.txn === undefined ? `Nothing to change: ${what(r)}` : `${what(r)} (transaction ${r.txn})`,
    readers: r.value.readers,
    unchecked: r.value.unchecked,
  });
  return r;
}

/** The selection and open folders follow moves; a removed selection goes; views re-read. */
function follow(changes: ChangeInfo[]): void {
  const { selected, select } = useApp.getState();
  let sel = selected;
  for (const c of changes) {
    if (c.action === 'moved' && c.from !== undefined) {
      treeFollowMove(c.from, c.path);
      if (sel && isUnder(sel.path, c.from)) {
        const path = afterMove(sel.path, c.from, c.path);
        sel = { ...sel, path, name: nameOf(path) };
      }
    } else if (c.action === 'removed' && sel && isUnder(sel.path, c.path)) {
      sel = undefined;
    }
  }
  if (sel !== selected) select(sel);
  useEdit.getState().touched(changes.flatMap((c) => (c.from ? [c.path, c.from] : [c.path])));
}

export async function makeFolder(dir: string, name: string): Promise<boolean> {
  const path = childPath(dir, name);
  const r = await runEdit(
    () => `Made the folder ${path}`,
    (c, pond) => c.makeFolder({ pond, path }),
  );
  if (r) {
    treeExpand(dir);
    await selectPath(path);
  }
  return r !== undefined;
}

export async function rename(path: string, name: string): Promise<boolean> {
  const to = childPath(parentOf(path), name);
  const r = await runEdit(
    () => `Renamed ${path} to ${to}`,
    (c, pond) => c.renamePath({ pond, path, name }),
  );
  return r !== undefined;
}

export async function move(sources: string[], dest: string): Promise<boolean> {
  const r = await runEdit(
    () => `Moved ${sources.join(', ')} into ${dest}`,
    (c, pond) => c.movePaths({ pond, sources, dest }),
  );
  if (r) treeExpand(dest);
  return r !== undefined;
}

export async function remove(path: string, directory: boolean): Promise<boolean> {
  const r = await runEdit(
    () => `Deleted ${path}; History can bring it back`,
    (c, pond) => c.removePaths({ pond, paths: [path], recursive: directory }),
  );
  return r !== undefined;
}

export async function restore(path: string, asOf: number): Promise<boolean> {
  const r = await runEdit(
    () => `Restored ${path} as of transaction ${asOf}`,
    (c, pond) => c.restorePath({ pond, path, asOf }),
  );
  if (r) {
    treeExpand(parentOf(path));
    if (!useApp.getState().selected) await selectPath(path);
  }
  return r !== undefined;
}

export async function revert(txn: number, force: boolean): Promise<boolean> {
  const r = await runEdit(
    () => `Reverted transaction ${txn}`,
    (c, pond) => c.revertTxn({ pond, txn, ...(force ? { force } : {}) }),
  );
  return r !== undefined;
}

/**
 * Edit > Undo: reverts the app's own last transaction, unless a later transaction (of the app
 * or another process) changed the same paths; then it says which, and changes nothing.
 */
export async function undo(): Promise<void> {
  const { client, pond } = useApp.getState();
  const edit = useEdit.getState();
  if (!client || !pond) return;
  const last = edit.undo[pond.handle]?.at(-1);
  if (!last) {
    edit.setNotice({
      kind: 'refused',
      text: 'Nothing to undo: this window has not changed the pond',
    });
    return;
  }
  let plan;
  try {
    plan = await client.revertPlan({ pond: pond.handle, txn: last.txn });
  } catch (e) {
    edit.setNotice({ kind: 'refused', text: `Cannot undo ${last.label}`, error: toErrorInfo(e) });
    return;
  }
  if (plan.conflicts.length > 0) {
    const why = plan.conflicts
      .map((c) => `${c.path} ${c.reason}${c.txn === undefined ? '' : ` (transaction ${c.txn})`}`)
      .join('; ');
    edit.setNotice({
      kind: 'refused',
      text: `Cannot undo ${last.label} of transaction ${last.txn}: a later change touched the same paths: ${why}. History can still revert it (Revert anyway).`,
    });
    return;
  }
  edit.popUndo(pond.handle);
  const r = await runEdit(
    () => `Undid ${last.label} of transaction ${last.txn}`,
    (c, p) => c.revertTxn({ pond: p, txn: last.txn }),
    { undoable: false },
  );
  if (!r) {
    // Not undone: it stays the last thing to undo.
    useEdit.setState((s) => ({
      undo: { ...s.undo, [pond.handle]: [...(s.undo[pond.handle] ?? []), last] },
    }));
  }
}

/** Selects a path once it exists in the latest view (after an edit made it). */
export async function selectPath(path: string): Promise<void> {
  const { client, pond, select } = useApp.getState();
  if (!client || !pond) return;
  const page = await client
    .list({
      pond: pond.handle,
      path: parentOf(path),
      offset: 0,
      limit: 1,
      // The name itself: the characters patterns reserve are escaped.
      filter: nameOf(path).replace(/[[\]{}]/g, '\\$&'),
    })
    .catch(() => undefined);
  const entry = page?.entries.find((e) => e.path === path);
  if (entry) select(entry);
}
