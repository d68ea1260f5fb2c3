import type { DraftNode } from '../../shared/api.js';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { FactoryRegistry } from '../factories/registry.js';

const ENV = /\$\{env:[^}]*\}/;

/**
 * What the app may not make or preview (DESIGN §6: the UI names host paths only through native
 * dialogs, and reads nothing of the host it was not given): a factory node that shows host
 * folders (a hostmount, or a dynamic-dir holding one), or a config that reads the serving
 * process's environment (`${env:VAR}`, where secrets go), whose values a preview would show.
 * `pond mknod` makes such nodes; the app reads them like any other.
 */
export function refuseFromApp(registry: FactoryRegistry, draft: DraftNode): void {
  const where = `${draft.path} (${draft.factory})`;
  const env = ENV.exec(draft.config)?.[0];
  if (env !== undefined) {
    throw new PondError(
      ErrorCode.Unsupported,
      `${where}: ${env}: the app does not expand environment variables (they would show in its preview); write the value, or make the node with pond mknod`,
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
