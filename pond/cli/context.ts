import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { hostFolderProblem } from '../export/output-folder.js';
import { parseUtcTime } from '../query/time.js';
import type { DuckSession } from '../duckdb/session.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import { autoPushAfter } from './auto-push-report.js';

/** Flags every command accepts. */
export interface GlobalOptions {
  pond?: string;
  /** Host paths (host:///...) resolve inside this folder. */
  directory?: string;
}

/**
 * What a command runs with: the command line and the global flags. The engine (DuckDB, the
 * factories) is loaded only when a command asks for it, so `--help`, `--version` and a command's
 * usage errors start as fast as Node does.
 */
export class CliContext {
  private factories: FactoryRegistry | undefined;

  constructor(
    /** The command line after `pond`, recorded in each transaction. */
    readonly argv: string[],
    private readonly globals: () => GlobalOptions,
  ) {}

  /** `-d DIR`, which must be an existing folder. */
  get hostRoot(): string | undefined {
    const d = this.globals().directory;
    if (d === undefined) return undefined;
    const root = resolve(d);
    let st;
    try {
      st = statSync(root);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      throw new PondError(ErrorCode.NotFound, `-d ${d}: ${root} does not exist`, { input: d });
    }
    if (!st.isDirectory())
      throw new PondError(ErrorCode.InvalidArgument, `-d ${d}: it is a file, not a folder`, {
        input: d,
      });
    return root;
  }

  /** --pond, else $POND; an empty POND is the same as none. */
  pondPath(): string {
    const flag = this.globals().pond;
    if (flag === '') {
      throw new PondError(ErrorCode.InvalidArgument, '--pond is empty: give the pond folder', {
        input: flag,
      });
    }
    const p = flag ?? process.env['POND'];
    if (!p) {
      throw new PondError(
        ErrorCode.NotAPond,
        'no pond given: use --pond PATH or set the POND environment variable',
      );
    }
    return resolve(p);
  }

  hasPond(): boolean {
    return this.globals().pond !== undefined || (process.env['POND'] ?? '') !== '';
  }

  /** The command recorded with each transaction: the command line without the global flags. */
  get meta(): TxnMeta {
    const command: string[] = [];
    for (let i = 0; i < this.argv.length; i++) {
      const a = this.argv[i]!;
      if (a === '--pond' || a === '-d' || a === '--directory') i++;
      else if (!a.startsWith('--pond=') && !a.startsWith('--directory=')) command.push(a);
    }
    return { command };
  }

  /** The factories every pond this command opens knows. */
  async registry(): Promise<FactoryRegistry> {
    this.factories ??= (await import('../factories/index.js')).defaultRegistry();
    return this.factories;
  }

  /**
   * Opens the pond for one command. After each commit it pushes to the pond's automatic backups
   * (`backup add --auto`) and says how that went on stderr; a failed push never fails the command.
   * `session`: a DuckDB session the command made already (the caller closes it).
   */
  async withPond<T>(fn: (pond: Pond) => Promise<T>, session?: DuckSession): Promise<T> {
    const path = this.pondPath();
    const problem = await hostFolderProblem(path);
    if (problem !== undefined) {
      throw new PondError(ErrorCode.NotAPond, `no pond at ${path}: ${problem}`, { input: path });
    }
    const { Pond } = await import('../tlogfs/pond.js');
    // The factories load when a factory node is first read (a plain `list` never needs them).
    const pond = await Pond.open(path, {
      dynamic: async (spec, txn) => (await this.registry()).maker(spec, txn),
      afterCommit: (p, seq) => autoPushAfter(p, seq),
      ...(session ? { session } : {}),
    });
    try {
      return await fn(pond);
    } finally {
      await pond.close();
    }
  }

  /** `--as-of N|TIME` as a transaction number (undefined means the latest). */
  async asOf(pond: Pond, flag: string | undefined): Promise<number | undefined> {
    if (flag === undefined) return undefined;
    if (/^\d+$/.test(flag)) {
      // Pond.read refuses numbers it does not have; one too large for a double would be misquoted.
      const seq = Number(flag);
      if (!Number.isSafeInteger(seq)) {
        throw new PondError(
          ErrorCode.NotFound,
          `--as-of ${flag}: transaction ${flag} does not exist: this pond has transactions 1 to ${pond.lastSeq}`,
          { input: flag },
        );
      }
      return seq;
    }
    return pond.seqAtTime(parseUtcTime(flag, '--as-of (a transaction number or a time)'));
  }
}
