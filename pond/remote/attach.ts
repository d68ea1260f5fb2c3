import { ErrorCode, PondError } from '../../shared/errors.js';
import type { Pond } from '../tlogfs/pond.js';
import { readLogView } from './log-view.js';
import { openStore } from './open-store.js';
import { localStore } from './push.js';
import { addRemote, type RemoteConfig } from './remote-config.js';
import { compareLogs, type Relation } from './relation.js';

/**
 * `pond backup add`: checks that the remote can be reached and is empty or already holds this
 * pond (a remote holding another pond, or anything else, is refused: a pond never writes among
 * files it did not write), then records it.
 */
export async function attachRemote(pond: Pond, config: RemoteConfig): Promise<Relation> {
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
