import type { DraftNode } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { envReferencesOutsideSecrets } from '../factories/secrets.js';

/**
 * What the app may not make or preview (DESIGN §6: the UI names host paths only through native
 * dialogs, and reads nothing of the host it was not given): a factory node that shows host
 * folders (a hostmount, or a dynamic-dir holding one), or a config that reads the serving
 * process's environment (`${env:VAR}`) anywhere its value could be shown. A secret field (a
 * collector's client secret) may be a `${env:VAR}`: it is shown as written and expanded only
 * to run, which is how a secret stays out of the pond. `pond mknod` makes the other nodes; the
 * app reads them like any other.
 */
export function refuseFromApp(registry: FactoryRegistry, draft: DraftNode): void {
  const where = `${draft.path} (${draft.factory})`;
  const secrets = registry.get(draft.factory).secretKeys ?? [];
  const env = envReferencesOutsideSecrets(draft.config, secrets)[0];
  if (env !== undefined) {
    const allowed =
      secrets.length > 0
        ? `only the secret fields (${secrets.join(', ')}) may be an environment variable`
        : 'the app expands environment variables only in secret fields, and this factory has none';
    throw new PondError(
      ErrorCode.Unsupported,
      `${where}: ${env}: ${allowed} (its value would show in the preview); write the value, or make the node with pond mknod`,
      { input: env },
    );
  }
  if (registry.get(draft.factory).namesHostPaths?.(draft.config, where)) {
    throw new PondError(
      ErrorCode.Unsupported,
      `${where}: the app names host folders only through its dialogs: make a hostmount with pond mknod`,
      { input: draft.factory === 'hostmount' ? 'directory' : 'hostmount' },
    );
  }
}
