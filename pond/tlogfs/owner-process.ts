import { hostname } from 'node:os';

/** The process that owns a lock or a staging folder. */
export interface OwnerProcess {
  pid: number;
  host: string;
}

/** This process. */
export function thisProcess(): OwnerProcess {
  return { pid: process.pid, host: hostname() };
}

/**
 * Whether the owner is known to be gone: only a process on this host can be checked, and one that
 * exists but belongs to another user (EPERM) is alive. A pid reused by a new process keeps its
 * predecessor's files alive, which errs on the safe side.
 */
export function ownerIsDead(owner: OwnerProcess): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
