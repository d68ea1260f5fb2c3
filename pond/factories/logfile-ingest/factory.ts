import { createHash } from 'node:crypto';
import { isFile } from '../../tinyfs/node.js';
import { ConfigObject, configError, parseYaml } from '../../config/config.js';
import { key } from '../config-schema.js';
import { expandEnv } from '../env-substitution.js';
import { executableNode, type ExecutableCommand } from '../executable.js';
import type { Factory } from '../registry.js';
import { checkHostPattern } from './host-files.js';
import { ingest, type LogfileConfig } from './ingest.js';

/**
 * logfile-ingest: mirrors a growing host log file and its rotated archives into data files of a
 * pond folder (reference §4.2). `pond run NODE` (command `ingest`) copies what is new;
 * `sha256sum` prints the checksums of the mirrored files in `sha256sum --check` form.
 */
function readConfig(text: string, where: string): LogfileConfig {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const archivedPattern = c.string('archived_pattern');
  const activePattern = c.string('active_pattern');
  const pondPath = c.string('pond_path');
  c.done();
  checkHostPattern(archivedPattern, where, 'archived_pattern');
  checkHostPattern(activePattern, where, 'active_pattern');
  if (!pondPath.startsWith('/'))
    throw configError(where, 'pond_path', `'${pondPath}' must be an absolute pond path`);
  return { archivedPattern, activePattern, pondPath };
}

const ingestCommand: ExecutableCommand<LogfileConfig> = {
  name: 'ingest',
  summary: 'copy new host files whole and the active file’s new bytes into pond_path',
  usage: '',
  writes: true,
  run: ingest,
};

const sha256sumCommand: ExecutableCommand<LogfileConfig> = {
  name: 'sha256sum',
  summary: 'print the SHA-256 of every mirrored file (check on the host with sha256sum --check)',
  usage: '',
  writes: false,
  run: async ({ pond, config }) => {
    const lines = await pond.read(async (txn) => {
      const found = await (await txn.wd()).lookup(config.pondPath).catch(() => undefined);
      if (!found?.found || found.node.type !== 'directory') return [];
      const out: string[] = [];
      for (const e of await found.node.entries()) {
        const node = await found.node.child(e.name);
        if (!node || !isFile(node) || node.type !== 'data' || e.factory !== undefined) continue;
        const sha = createHash('sha256')
          .update(await node.read())
          .digest('hex');
        out.push(`${sha}  ${e.name}\n`);
      }
      return out;
    });
    return { summary: `${lines.length} files`, added: [], failures: [], output: lines.join('') };
  },
};

export const logfileIngest: Factory = {
  name: 'logfile-ingest',
  description: 'mirrors a growing host log file and its rotated archives into data files',
  entryType: 'data',
  validate: (config, where) => readConfig(config, where),
  // Its config names host files: made with pond mknod, not from the app (app-drafts.ts).
  namesHostPaths: () => true,
  schema: {
    keys: [
      key('archived_pattern', 'host glob', true, 'the rotated archives: /var/log/app.log.*'),
      key('active_pattern', 'host glob', true, 'the file that grows: /var/log/app.log'),
      key('pond_path', 'pond path', true, 'the pond folder the files are mirrored into'),
    ],
    example: `archived_pattern: /var/log/app.log.*
active_pattern: /var/log/app.log
pond_path: /logs/app
`,
  },
  make: async (spec) => executableNode(spec, []),
  executable: {
    commands: [ingestCommand, sha256sumCommand] as ExecutableCommand<unknown>[],
    readConfig,
  },
};
