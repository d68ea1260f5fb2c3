import { resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseUtcTime } from '../query/time.js';
import type { FactoryRegistry } from '../factories/registry.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';

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

  get hostRoot(): string | undefined {
    const d = this.globals().directory;
    return d === undefined ? undefined : resolve(d);
  }

  /** --pond, else $POND. */
  pondPath(): string {
    const p = this.globals().pond ?? process.env['POND'];
    if (!p) {
      throw new PondError(
        ErrorCode.NotAPond,
        'no pond given: use --pond PATH or set the POND environment variable',
      );
    }
    return resolve(p);
  }

  hasPond(): boolean {
    return (this.globals().pond ?? process.env['POND']) !== undefined;
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

  async withPond<T>(fn: (pond: Pond) => Promise<T>): Promise<T> {
    const path = this.pondPath();
    const { Pond } = await import('../tlogfs/pond.js');
    // The factories load when a factory node is first read (a plain `list` never needs them).
    const pond = await Pond.open(path, {
      dynamic: async (spec, txn) => (await this.registry()).maker(spec, txn),
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
    if (/^\d+$/.test(flag)) return Number(flag);
    return pond.seqAtTime(parseUtcTime(flag, '--as-of (a transaction number or a time)'));
  }
}
