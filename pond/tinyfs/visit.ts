import { ErrorCode, PondError } from '../../shared/errors.js';
import { matchWildcard, parseGlob, type GlobComponent } from './glob.js';
import {
  isDirectory,
  isSymlink,
  type DirEntry,
  type DirectoryNode,
  type PondNode,
} from './node.js';
import type { NodeId } from './node-id.js';
import { joinPath, resolvePath } from './path.js';
import type { WD } from './wd.js';

export interface Match {
  /** The path through which the pattern reached the node. */
  path: string;
  node: PondNode;
  /** The parent's entry for the node (absent for the starting directory itself). */
  entry: DirEntry | undefined;
  /** Glob captures in order: one per `*`, one per directory a `**` descended. */
  captures: string[];
}

/**
 * Visits every node a glob pattern matches (reference §6.1), each node at most once even when
 * several paths reach it (symlinks, dynamic directories): results are deduplicated by node id.
 * Symlinked directories are followed; a directory already on the current descent path is not
 * entered again, so symlink loops end.
 */
export async function visitGlob(wd: WD, pattern: string): Promise<Match[]> {
  const glob = parseGlob(pattern);
  const startPath = glob.absolute ? '/' : resolvePath('.', wd.cwd);
  const start = await wd.getDirectory(startPath);
  if (glob.components.length === 0) {
    return [{ path: startPath, node: start, entry: undefined, captures: [] }];
  }
  const v = new Visitor(wd, glob.components);
  await v.walk(start, startPath, 0, [], new Set([start.id]));
  return v.results;
}

/**
 * visitGlob for a pattern a user typed (list, describe, copy OUT, export): the pattern must
 * parse, and the folders it names before its first wildcard must exist (all of it, when it has
 * no wildcard), so a typo is reported as the missing path rather than as an empty result.
 * A valid pattern that matches nothing returns no matches; each command decides (see
 * `nothingMatches`).
 */
export async function visitPattern(wd: WD, pattern: string): Promise<Match[]> {
  const glob = parseGlob(pattern);
  const literal: string[] = [];
  for (const c of glob.components) {
    if (c.kind !== 'literal') break;
    literal.push(c.name);
  }
  const base = resolvePath(literal.join('/') || '.', glob.absolute ? '/' : wd.cwd);
  if (literal.length === glob.components.length) await wd.get(base, { follow: false });
  else await wd.getDirectory(base);
  return visitGlob(wd, pattern);
}

/** The error of a valid pattern that matches nothing where something was expected. */
export function nothingMatches(pattern: string, detail = ''): PondError {
  return new PondError(ErrorCode.NotFound, `nothing matches '${pattern}'${detail}`, {
    input: pattern,
  });
}

class Visitor {
  readonly results: Match[] = [];
  private readonly seen = new Set<NodeId>();

  constructor(
    private readonly wd: WD,
    private readonly comps: readonly GlobComponent[],
  ) {}

  async walk(
    dir: DirectoryNode,
    dirPath: string,
    i: number,
    captures: string[],
    ancestors: Set<NodeId>,
  ): Promise<void> {
    const comp = this.comps[i]!;
    switch (comp.kind) {
      case 'literal': {
        const entry = (await dir.entries()).find((e) => e.name === comp.name);
        if (entry) await this.onChild(dir, dirPath, entry, i, captures, false, ancestors);
        return;
      }
      case 'wildcard': {
        for (const entry of await dir.entries()) {
          const caps = matchWildcard(comp.segments, entry.name);
          if (caps)
            await this.onChild(dir, dirPath, entry, i, [...captures, ...caps], false, ancestors);
        }
        return;
      }
      case 'any-depth': {
        // Zero directories: the rest of the pattern applies right here.
        if (i + 1 < this.comps.length) await this.walk(dir, dirPath, i + 1, captures, ancestors);
        for (const entry of await dir.entries()) {
          await this.onChild(dir, dirPath, entry, i, [...captures, entry.name], true, ancestors);
        }
        return;
      }
    }
  }

  private async onChild(
    dir: DirectoryNode,
    dirPath: string,
    entry: DirEntry,
    i: number,
    captures: string[],
    anyDepth: boolean,
    ancestors: Set<NodeId>,
  ): Promise<void> {
    const node = await dir.child(entry.name);
    if (!node) {
      throw new PondError(ErrorCode.Internal, `entry '${entry.name}' of '${dirPath}' vanished`);
    }
    const path = joinPath(dirPath, entry.name);
    const last = i === this.comps.length - 1;
    if (last && !this.seen.has(node.id)) {
      this.seen.add(node.id);
      this.results.push({ path, node, entry, captures });
    }
    if (last && !anyDepth) return;

    const target = await this.followed(node, path);
    if (!target || !isDirectory(target) || ancestors.has(target.id)) return;
    const inner = new Set(ancestors).add(target.id);
    // `**` keeps going deeper (and tries the rest of the pattern at each level);
    // any other component hands over to the next one.
    await this.walk(target, path, anyDepth ? i : i + 1, captures, inner);
  }

  /** The node a symlink points at, or undefined when it dangles (nothing to descend into). */
  private async followed(node: PondNode, path: string): Promise<PondNode | undefined> {
    if (!isSymlink(node)) return node;
    const r = await this.wd.lookup(path);
    return r.found ? r.node : undefined;
  }
}
