import { resolve } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';
import { parseUtcTime } from '../query/time.js';
import { defaultRegistry } from '../factories/index.js';
import type { FactoryRegistry } from '../factories/registry.js';
import { openPond } from '../service/open-pond.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import { autoPushAfter } from './auto-push-report.js';

/** Flags every command accepts. */
export interface GlobalOptions {
  pond?: string;
  /** Host paths (host:///...) resolve inside this folder. */
  directory?: string;
}

/** What a command runs with: the command line and the global flags. */
export class CliContext {
  /** The factories every pond this command opens knows. */
  readonly registry: FactoryRegistry = defaultRegistry();

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

  /**
   * Opens the pond for one command. After each commit it pushes to the pond's automatic backups
   * (`backup add --auto`) and says how that went on stderr; a failed push never fails the command.
   */
  async withPond<T>(fn: (pond: Pond) => Promise<T>): Promise<T> {
    const pond = await openPond(this.pondPath(), {
      registry: this.registry,
      afterCommit: (p, seq) => autoPushAfter(p, seq),
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
