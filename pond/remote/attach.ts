import { ErrorCode, PondError } from '../../shared/errors.js';
import type { Pond } from '../tlogfs/pond.js';
import { insidePond } from '../tlogfs/real-paths.js';
import { readLogView } from './log-view.js';
import { openStore } from './open-store.js';
import { localStore } from './push.js';
import { addRemote, type RemoteConfig } from './remote-config.js';
import { compareLogs, type Relation } from './relation.js';
import { parseRemoteUrl } from './remote-url.js';

/**
 * `pond backup add`: checks that the remote can be reached and is empty or already holds this
 * pond (a remote holding another pond, or anything else, is refused: a pond never writes among
 * files it did not write), then records it.
 */
export async function attachRemote(pond: Pond, config: RemoteConfig): Promise<Relation> {
  await refuseInsidePond(pond, config);
  const store = await openStore(config);
  try {
    const view = await readLogView(store);
    let relation: Relation;
    if (view.tip < 0) {
      if (await store.hasAny()) {
        throw new PondError(
          ErrorCode.AlreadyExists,
          `${store.url} is not empty and holds no pond: give a new or empty folder or prefix`,
          { input: store.url },
        );
      }
      relation = { kind: 'empty', sourceTip: pond.lastSeq };
    } else {
      const local = localStore(pond);
      relation = await compareLogs(
        { store: local, view: await readLogView(local) },
        { store, view },
      );
      if (relation.kind === 'diverged') {
        throw new PondError(
          ErrorCode.Conflict,
          `${store.url} holds a pond that is not this one: ${relation.reason}`,
          { input: store.url },
        );
      }
    }
    await addRemote(pond.layout.root, config);
    return relation;
  } finally {
    store.close();
  }
}

/**
 * A folder backup inside the pond's own folder is refused: it would be lost with the pond, and
 * its files would sit among the pond's (in `data/`, foreign files in the Delta table). Symlinks
 * are resolved on both sides, up to the part of the backup's path that exists.
 */
async function refuseInsidePond(pond: Pond, config: RemoteConfig): Promise<void> {
  const where = parseRemoteUrl(config.url);
  if (where.kind !== 'file') return;
  if (await insidePond(pond.layout.root, where.path)) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${where.url} is inside the pond's folder ${pond.layout.root}: a backup there is lost with the pond; give a folder outside it (another disk, ideally)`,
      { input: config.url },
    );
  }
}
