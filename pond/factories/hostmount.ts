import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { deterministicNodeId } from '../tinyfs/node-id.js';
import type { DirEntry, DirectoryNode, FileNode, FileVersion, PondNode } from '../tinyfs/node.js';
import { nameProblem, printableName } from '../tinyfs/entry-name.js';
import { joinPath } from '../tinyfs/path.js';
import type { DynamicNode, DynamicNodeSpec } from '../tlogfs/transaction.js';
import { ConfigObject, configError, parseYaml } from '../config/config.js';
import { key } from './config-schema.js';
import { expandEnv } from './env-substitution.js';
import type { Factory } from './registry.js';

/**
 * hostmount: a host folder as a read-only directory of the pond. It is live (every transaction
 * lists the folder anew), host files are data files whose one version is the host file itself,
 * and ids come from the path inside the mount, so the same path is the same node. Symlinks that
 * lead out of the folder are not shown, and reaching one by name is refused.
 */
function readConfig(text: string, where: string): { root: string } {
  const c = new ConfigObject(parseYaml(expandEnv(text, where), where), where);
  const dir = c.string('directory');
  c.done();
  if (!isAbsolute(dir))
    throw configError(where, 'directory', `'${dir}' must be an absolute host path`);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw configError(where, 'directory', `'${dir}' does not exist`);
  }
  if (!st.isDirectory()) throw configError(where, 'directory', `'${dir}' is not a folder`);
  return { root: dir };
}

interface Mount {
  /** The mounted folder, symlinks resolved. */
  root: string;
  mountId: string;
  /** The config as stored, for the children's specs. */
  config: string;
}

function inside(mount: Mount, real: string): boolean {
  return real === mount.root || real.startsWith(mount.root + sep);
}

/** A host entry as the pond sees it, or a reason it is refused. */
type HostEntry =
  | {
      ok: true;
      name: string;
      hostPath: string;
      kind: 'directory' | 'data';
      size: number;
      mtimeMs: number;
    }
  | { ok: false; name: string; reason: string };

async function hostEntry(mount: Mount, dir: string, name: string): Promise<HostEntry | undefined> {
  const hostPath = join(dir, name);
  const l = await lstat(hostPath).catch(() => undefined);
  if (!l) return undefined;
  let real = hostPath;
  if (l.isSymbolicLink()) {
    real = await realpath(hostPath).catch(() => '');
    if (real === '') return { ok: false, name, reason: `${hostPath} is a broken symlink` };
    if (!inside(mount, real)) {
      return {
        ok: false,
        name,
        reason: `${hostPath} is a symlink to ${real}, outside the mounted folder ${mount.root}`,
      };
    }
  }
  const s = await stat(real).catch(() => undefined);
  if (!s) return undefined;
  if (l.isSymbolicLink() && s.isDirectory() && (real === dir || dir.startsWith(real + sep))) {
    // A link to a folder above it would make the tree endless.
    return { ok: false, name, reason: `${hostPath} is a symlink to ${real}, which holds it` };
  }
  if (s.isDirectory())
    return { ok: true, name, hostPath: real, kind: 'directory', size: 0, mtimeMs: s.mtimeMs };
  if (s.isFile())
    return { ok: true, name, hostPath: real, kind: 'data', size: s.size, mtimeMs: s.mtimeMs };
  return undefined; // sockets, fifos, devices: not files of the pond
}

function relOf(parentRel: string, name: string): string {
  return parentRel === '' ? name : `${parentRel}/${name}`;
}

function childSpec(
  mount: Mount,
  parent: DynamicNodeSpec,
  parentRel: string,
  e: { name: string; kind: 'directory' | 'data' },
): DynamicNodeSpec {
  // The id comes from the path inside the mount, so a file reached through a link is a node of
  // its own (the visitor shows each path once; it would drop a link sharing its target's id).
  const rel = relOf(parentRel, e.name);
  return {
    id: deterministicNodeId(mount.mountId, rel),
    parentId: parent.id,
    name: e.name,
    path: joinPath(parent.path, e.name),
    type: e.kind,
    factory: 'hostmount',
    config: mount.config,
  };
}

class HostDirectory implements DirectoryNode, DynamicNode {
  readonly type = 'directory' as const;
  readonly factory = 'hostmount';
  private listing: Promise<HostEntry[]> | undefined;

  constructor(
    readonly spec: DynamicNodeSpec,
    private readonly mount: Mount,
    private readonly hostPath: string,
    /** The folder's path inside the mount ('' for the mount itself). */
    private readonly rel: string,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  private list(): Promise<HostEntry[]> {
    this.listing ??= readdir(this.hostPath)
      .catch((e: unknown) => {
        throw new PondError(
          ErrorCode.NotFound,
          `${this.spec.path}: cannot read host folder ${this.hostPath}`,
          {
            input: this.hostPath,
            cause: e,
          },
        );
      })
      .then(async (names) => {
        const out: HostEntry[] = [];
        for (const n of names.sort()) {
          // A name the pond would refuse on copy IN is refused here too (not hidden: a file
          // missing without a word from a listing, a copy OUT or an export would be data lost).
          const problem = nameProblem(n);
          if (problem !== undefined) {
            throw new PondError(
              ErrorCode.BadInput,
              `${this.spec.path}: the host file ${printableName(n)} in ${this.hostPath} has a name the pond cannot take (${problem}); rename it`,
              { input: join(this.hostPath, n) },
            );
          }
          const e = await hostEntry(this.mount, this.hostPath, n);
          if (e) out.push(e);
        }
        return out;
      });
    return this.listing;
  }

  async entries(): Promise<DirEntry[]> {
    return (await this.list()).flatMap((e) =>
      e.ok
        ? [
            {
              name: e.name,
              id: childSpec(this.mount, this.spec, this.rel, e).id,
              type: e.kind,
              factory: 'hostmount',
              ...(e.kind === 'data'
                ? { version: 1, size: e.size, modified: Math.round(e.mtimeMs) }
                : {}),
            },
          ]
        : [],
    );
  }

  async child(name: string): Promise<PondNode | undefined> {
    const e = (await this.list()).find((x) => x.name === name);
    if (!e) return undefined;
    if (!e.ok)
      throw new PondError(ErrorCode.PathEscape, `${joinPath(this.spec.path, name)}: ${e.reason}`, {
        input: name,
      });
    const spec = childSpec(this.mount, this.spec, this.rel, e);
    return e.kind === 'directory'
      ? new HostDirectory(spec, this.mount, e.hostPath, relOf(this.rel, e.name))
      : new HostFile(spec, e.hostPath, e.size, e.mtimeMs);
  }
}

class HostFile implements FileNode, DynamicNode {
  readonly type = 'data' as const;
  readonly factory = 'hostmount';
  private hash: Promise<string> | undefined;

  constructor(
    readonly spec: DynamicNodeSpec,
    private readonly hostPath: string,
    private readonly size: number,
    private readonly mtimeMs: number,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  private sha256(): Promise<string> {
    this.hash ??= new Promise((resolve, reject) => {
      const h = createHash('sha256');
      createReadStream(this.hostPath)
        .on('data', (b) => h.update(b))
        .on('error', reject)
        .on('end', () => resolve(h.digest('hex')));
    });
    return this.hash;
  }

  async versions(): Promise<FileVersion[]> {
    return [
      {
        version: 1,
        txnSeq: 0,
        timestamp: Math.round(this.mtimeMs),
        size: this.size,
        sha256: await this.sha256(),
        blobPath: this.hostPath,
      },
    ];
  }

  async read(version?: number): Promise<Uint8Array> {
    if (version !== undefined && version !== 1) {
      throw new PondError(
        ErrorCode.NotFound,
        `${this.spec.path} is a host file: it has version 1 only`,
        {
          input: String(version),
        },
      );
    }
    return readFile(this.hostPath);
  }
}

export const hostmount: Factory = {
  name: 'hostmount',
  description: 'a host folder as a live, read-only directory (directory: /absolute/host/path)',
  entryType: 'directory',
  validate: (config, where) => readConfig(config, where),
  namesHostPaths: () => true,
  schema: {
    keys: [key('directory', 'absolute host folder', true, 'the folder shown, live and read-only')],
    example: `directory: /srv/loggers
`,
  },
  make: async (spec: DynamicNodeSpec) => {
    const { root } = readConfig(spec.config, `${spec.path} (hostmount)`);
    const mount: Mount = { root: await realpath(root), mountId: spec.id, config: spec.config };
    return new HostDirectory(spec, mount, mount.root, '');
  },
};
