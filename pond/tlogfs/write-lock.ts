import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { ownerIsDead, thisProcess, type OwnerProcess } from './owner-process.js';

interface LockOwner extends OwnerProcess {
  since: string;
  command: string;
}

/**
 * One writer at a time (DESIGN §3): an advisory lock file created with O_EXCL. A lock left by a
 * process that died (kill -9) on this host is taken over. The put-if-absent commit stays the
 * safety net for anything the lock cannot see (another host on a shared disk).
 */
export async function acquireWriteLock(
  path: string,
  command: string,
  timeoutMs: number,
): Promise<() => Promise<void>> {
  const me: LockOwner = {
    ...thisProcess(),
    since: new Date().toISOString(),
    command,
  };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify(me));
      await fh.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = await readOwner(path);
    if (owner === undefined || ownerIsDead(owner)) {
      // A crashed writer's lock (or one being written this instant): remove and race again.
      if (owner !== undefined || attempt > 20) await rm(path, { force: true });
    } else if (Date.now() > deadline) {
      throw new PondError(
        ErrorCode.Locked,
        `the pond is being written by another process (pid ${owner.pid} on ${owner.host}, '${owner.command}', since ${owner.since})`,
        { input: path },
      );
    }
    await sleep(20 + Math.random() * 30);
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}
