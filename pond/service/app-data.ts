import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The user's data folder for the app (recent ponds, the demo pond): `$POND_APP_DATA` when set
 * (tests), else the platform's place for application data.
 */
export function appDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['POND_APP_DATA'];
  if (override) return resolve(override);
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Pond');
    case 'win32':
      return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Pond');
    default:
      return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'pond');
  }
}
