import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CsvDialect, ImportOverrides } from '../../shared/import.js';
import type { DuckSession } from '../duckdb/session.js';
import type { CsvAdvice } from '../query/csv-advice.js';
import { sniffCsv, type CsvSniff } from '../query/csv-sniff.js';
import { hostPath } from '../query/host-path.js';
import { parseUrl } from '../query/url.js';
import { COPY_FLAGS, type ImportAdvice } from './import-advice.js';
import { labelOf } from './label.js';

/** The arguments of one `sniffCsv` call, less the session. */
export interface SniffCall {
  file: string;
  label: string;
  compression: CsvDialect['compression'];
  overrides: ImportOverrides;
  advice: CsvAdvice;
}

/** What a sniff found, and the file's identity, size and times just before it read the file. */
interface Sniffed {
  seen: FileIdentity;
  /** The call's label: a failure names the file by it, so it answers only a call with this one. */
  label: string;
  result: { ok: true; sniff: CsvSniff } | { ok: false; error: unknown };
}

/** What says a file is unchanged: any write changes ctime, which no ordinary program sets back. */
type FileIdentity = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;

/**
 * The sniffs of a copy's CSV files, started before its plan needs them: DuckDB reads the files
 * on its own threads while the command loads the import layer and opens the pond, which hides
 * most of a sniff's time (about 50 ms of a `pond copy` of one file). The plan takes a sniff only
 * when it would have made the very same call and the file's size and time are still those seen
 * just before the sniff; otherwise it sniffs again itself. A failed sniff fails the plan only
 * when the plan takes it, with the error the plan's own sniff would have thrown, so the order of
 * a copy's checks and messages does not change. The sniffs run one after another on a
 * connection of their own (a DuckDB connection runs one statement at a time).
 *
 * The app's wizard keeps its sniffs (`keep`): a file staged for import is sniffed at once, and the
 * proposal's plans (as a table, then as a series) and every preview's plan take the same sniff
 * while the file is unchanged, so a wizard sniffs a file once per set of dialect choices. A
 * successful sniff answers calls that differ only in their label (the label only names the file
 * in a failure's message); a failure answers only its own label.
 */
export class SniffAhead {
  private readonly started = new Map<
    string,
    { advice: CsvAdvice; sniffed: Promise<Sniffed | undefined> }
  >();
  /** Sniffs handed to plans (tests). */
  taken = 0;
  private last: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Made with the first sniff: a copy of no CSV file loads no DuckDB here. */
  private connection: Promise<DuckSession> | undefined;

  private constructor(
    private readonly session: DuckSession,
    private readonly keep: boolean,
  ) {}

  /**
   * Starts sniffing each source that is a CSV host file, as `planImport` with these overrides
   * would (a source that is not, or whose URL is wrong, is left for the plan to report).
   * `keep`: a sniff is not used up by the plan that takes it (the wizard's, see above).
   */
  static start(
    session: DuckSession,
    req: {
      sources: string[];
      overrides?: ImportOverrides;
      advice?: ImportAdvice;
      hostRoot?: string;
    },
    options: { keep?: boolean } = {},
  ): SniffAhead {
    const ahead = new SniffAhead(session, options.keep ?? false);
    const advice = (req.advice ?? COPY_FLAGS).csv;
    for (const source of req.sources) {
      let call: SniffCall;
      try {
        const url = parseUrl(source);
        if (!url.host || url.format !== 'csv') continue;
        const file = hostPath(url, req);
        call = {
          file,
          label: labelOf({ source, file }),
          compression: url.compression ?? 'none',
          overrides: req.overrides ?? {},
          advice,
        };
      } catch {
        continue;
      }
      ahead.add(call);
    }
    return ahead;
  }

  /**
   * The sniff of `call` made ahead, if there is one for exactly this call and the file still has
   * the identity, size and times `seen` (the plan's own stat of it); undefined when the plan must
   * sniff. A sniff that no longer fits its file is dropped.
   */
  async take(call: SniffCall, seen: Stats): Promise<CsvSniff | undefined> {
    const key = keyOf(call);
    const entry = this.started.get(key);
    if (entry === undefined || entry.advice !== call.advice) return undefined;
    if (!this.keep) this.started.delete(key);
    const s = await entry.sniffed;
    if (s === undefined || !sameFile(s.seen, seen)) {
      if (this.started.get(key) === entry) this.started.delete(key);
      return undefined;
    }
    if (!s.result.ok && s.label !== call.label) return undefined;
    this.taken++;
    if (!s.result.ok) throw s.result.error;
    // A copy: a plan owns its dialect and may change it, and a kept sniff serves other plans.
    return structuredClone(s.result.sniff);
  }

  /**
   * A kept sniff (`keep`) of a call the plan had to make itself, with its file as `seen` just
   * before: later plans of the same call take it while the file is unchanged.
   */
  keepOwn(call: SniffCall, seen: Stats, sniff: CsvSniff): void {
    if (!this.keep || this.closed || this.started.has(keyOf(call))) return;
    const copy = structuredClone(sniff);
    const sniffed: Sniffed = { seen, label: call.label, result: { ok: true, sniff: copy } };
    this.started.set(keyOf(call), { advice: call.advice, sniffed: Promise.resolve(sniffed) });
  }

  /** Drops the sniffs not started yet, waits for the one running, and closes their connection. */
  async close(): Promise<void> {
    this.closed = true;
    await this.last;
    (await this.connection?.catch(() => undefined))?.close();
  }

  private add(call: SniffCall): void {
    const key = keyOf(call);
    if (this.started.has(key)) return;
    const connection = (this.connection ??= this.session.connect());
    const sniffed = this.last.then(async (): Promise<Sniffed | undefined> => {
      if (this.closed) return undefined;
      const st = await stat(call.file).catch(() => undefined);
      // Not a file now: the plan's stat will say so, and no sniff is of use.
      if (!st?.isFile()) return undefined;
      const label = call.label;
      try {
        const session = await connection;
        const { file, compression, overrides, advice } = call;
        const sniff = await sniffCsv(session, file, label, compression, overrides, advice);
        return { seen: st, label, result: { ok: true, sniff } };
      } catch (error) {
        return { seen: st, label, result: { ok: false, error } };
      }
    });
    this.started.set(key, { advice: call.advice, sniffed });
    this.last = sniffed;
  }
}

/**
 * Everything of a call that a sniff's result depends on, but the advice (compared by identity);
 * the label names the file only in a failure's message (see `take`).
 */
function keyOf(c: SniffCall): string {
  const o = c.overrides;
  return JSON.stringify([
    c.file,
    c.compression,
    o.delimiter,
    o.quote,
    o.escape,
    o.header,
    o.skip,
    o.encoding,
    o.nullStrings,
  ]);
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}
