import type {
  DraftNode,
  EditResult,
  JobInfo,
  MakeFolderRequest,
  MoveRequest,
  RemoveRequest,
  RenameRequest,
  RestoreRequest,
  RevertRequest,
  SavedNode,
} from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { checkName } from '../tinyfs/entry-name.js';
import { basename, dirname, joinPath, resolvePath } from '../tinyfs/path.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { refuseFromApp } from './app-drafts.js';
import { placeDraft } from './draft-view.js';
import { affectedReaders, txnEditResult } from './edit-result.js';
import type { Job } from '../job/job.js';
import { validateNode } from './mknod.js';
import { moveInTxn } from './move.js';
import type { OpenPond } from './pond-registry.js';
import { removeInTxn } from './remove.js';
import { restoreInTxn } from './restore.js';
import { revertInTxn } from './revert.js';
import type { WriteJobs } from './write-jobs.js';

/**
 * The app's edits of a pond, each a write job (one transaction, serialised per pond, cancelled
 * before its commit leaves nothing): new folder, rename, move, delete, restore, revert, and
 * making or re-configuring a factory node. They run the functions the CLI's `mkdir`, `mv`,
 * `rm`, `restore`, `revert` and `mknod` run, and are recorded as those commands, prefixed with
 * `app`, so `pond log` and History read alike. Arguments are checked before a job starts where
 * that needs no transaction, so a bad name fails the call itself.
 */
export class EditJobs {
  constructor(private readonly writes: WriteJobs) {}

  makeFolder(open: OpenPond, req: MakeFolderRequest): JobInfo {
    const path = resolvePath(req.path);
    checkName(basename(path));
    return this.edit(open, 'new folder', ['mkdir', path], async (txn) => {
      await (await txn.wd()).mkdir(path);
      return affectedReaders(txn, open.registry);
    });
  }

  /** A new name in the same directory; never a move into a directory of that name. */
  rename(open: OpenPond, req: RenameRequest): JobInfo {
    const path = resolvePath(req.path);
    checkName(req.name);
    const dest = joinPath(dirname(path), req.name);
    return this.edit(open, 'rename', ['mv', path, dest], async (txn) => {
      const there = await (await txn.wd()).lookup(dest, { follow: false });
      if (there.found) {
        throw new PondError(
          ErrorCode.AlreadyExists,
          `'${dest}' already exists: choose another name`,
          { input: req.name },
        );
      }
      return moveInTxn(txn, open.registry, { sources: [path], dest });
    });
  }

  move(open: OpenPond, req: MoveRequest): JobInfo {
    return this.edit(open, 'move', ['mv', ...req.sources, req.dest], (txn) =>
      moveInTxn(txn, open.registry, req),
    );
  }

  remove(open: OpenPond, req: RemoveRequest): JobInfo {
    const flags = req.recursive ? ['-r'] : [];
    return this.edit(open, 'delete', ['rm', ...flags, ...req.paths], (txn) =>
      removeInTxn(txn, open.registry, req),
    );
  }

  restore(open: OpenPond, req: RestoreRequest): JobInfo {
    const command = ['restore', req.path, '--as-of', String(req.asOf)];
    return this.edit(open, 'restore', command, (txn) => restoreInTxn(txn, open.registry, req));
  }

  revert(open: OpenPond, req: RevertRequest): JobInfo {
    const command = ['app', 'revert', String(req.txn), ...(req.force ? ['--force'] : [])];
    return this.writes.start(
      open,
      'revert',
      { command, reverts: req.txn },
      async (txn, job): Promise<EditResult> => {
        job.progress({ done: 0, total: 1, message: `reverting transaction ${req.txn}` });
        const { affected } = await revertInTxn(txn, open.registry, req);
        return txnEditResult(txn, affected);
      },
    );
  }

  /** mknod (or mknod --overwrite): the config checked first, then placed and built in the job. */
  saveNode(open: OpenPond, draft: DraftNode): JobInfo {
    refuseFromApp(open.registry, draft);
    validateNode(open.registry, draft);
    const command = ['app', 'mknod', draft.factory, draft.path];
    if (draft.overwrite) command.push('--overwrite');
    return this.writes.start(open, 'save derived node', command, async (txn, job) => {
      job.progress({ done: 0, total: 1, message: `making ${draft.path}` });
      const warnings: string[] = [];
      const result = await placeDraft(txn, open.registry, draft, (m) => warnings.push(m));
      return { path: resolvePath(draft.path), result, warnings } satisfies SavedNode;
    });
  }

  private edit(
    open: OpenPond,
    kind: string,
    command: string[],
    work: (txn: PondTxn, job: Job) => Promise<Pick<EditResult, 'readers' | 'unchecked'>>,
  ): JobInfo {
    return this.writes.start(open, kind, ['app', ...command], async (txn, job) => {
      job.progress({ done: 0, total: 1, message: `${kind}: ${command.slice(1).join(' ')}` });
      return txnEditResult(txn, await work(txn, job));
    });
  }
}
