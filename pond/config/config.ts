import { parse as parseYamlText } from 'yaml';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';

/** A factory config error: names where (factory and path), the key, and the reason. */
export function configError(where: string, key: string, reason: string): PondError {
  return new PondError(ErrorCode.BadConfig, `${where}: ${key ? `${key}: ` : ''}${reason}`, {
    input: key || where,
  });
}

export function parseYaml(text: string, where: string): unknown {
  try {
    return parseYamlText(text);
  } catch (e) {
    throw configError(where, '', `not valid YAML: ${messageOf(e).split('\n')[0]}`);
  }
}

/**
 * Reads one mapping of a config, key by key, so every error names the key (with its path, e.g.
 * `inputs[1].scope`) and `done()` refuses keys nobody asked for.
 */
export class ConfigObject {
  private readonly used = new Set<string>();
  private readonly value: Record<string, unknown>;

  constructor(
    value: unknown,
    readonly where: string,
    readonly prefix = '',
  ) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw configError(
        where,
        prefix,
        `must be a mapping of keys to values, not ${describe(value)}`,
      );
    }
    this.value = value as Record<string, unknown>;
  }

  private key(k: string): string {
    return this.prefix ? `${this.prefix}.${k}` : k;
  }

  has(k: string): boolean {
    return this.value[k] !== undefined && this.value[k] !== null;
  }

  private get(k: string, required: boolean): unknown {
    this.used.add(k);
    const v = this.value[k];
    if ((v === undefined || v === null) && required)
      throw configError(this.where, this.key(k), 'is required');
    return v ?? undefined;
  }

  string(k: string): string;
  string(k: string, optional: true): string | undefined;
  string(k: string, optional = false): string | undefined {
    const v = this.get(k, !optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '')
      throw configError(this.where, this.key(k), `must be a non-empty string, not ${describe(v)}`);
    return v;
  }

  number(k: string): number;
  number(k: string, optional: true): number | undefined;
  number(k: string, optional = false): number | undefined {
    const v = this.get(k, !optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw configError(this.where, this.key(k), `must be a number, not ${describe(v)}`);
    return v;
  }

  boolean(k: string, optional: true): boolean | undefined {
    const v = this.get(k, !optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean')
      throw configError(this.where, this.key(k), `must be true or false, not ${describe(v)}`);
    return v;
  }

  stringList(k: string): string[];
  stringList(k: string, optional: true): string[] | undefined;
  stringList(k: string, optional = false): string[] | undefined {
    const v = this.get(k, !optional);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      throw configError(this.where, this.key(k), `must be a list of strings, not ${describe(v)}`);
    }
    return v as string[];
  }

  stringMap(k: string): Record<string, string> {
    const v = this.get(k, true);
    const o = new ConfigObject(v, this.where, this.key(k));
    const out: Record<string, string> = {};
    for (const name of Object.keys(o.value)) out[name] = o.string(name);
    if (Object.keys(out).length === 0)
      throw configError(this.where, this.key(k), 'must have at least one entry');
    return out;
  }

  object(k: string): ConfigObject;
  object(k: string, optional: true): ConfigObject | undefined;
  object(k: string, optional = false): ConfigObject | undefined {
    const v = this.get(k, !optional);
    return v === undefined ? undefined : new ConfigObject(v, this.where, this.key(k));
  }

  /** A list of mappings, each read by `item`. */
  list<T>(k: string, item: (o: ConfigObject, index: number) => T, optional = false): T[] {
    const v = this.get(k, !optional);
    if (v === undefined) return [];
    if (!Array.isArray(v))
      throw configError(this.where, this.key(k), `must be a list, not ${describe(v)}`);
    return v.map((x, i) => {
      const o = new ConfigObject(x, this.where, `${this.key(k)}[${i}]`);
      const r = item(o, i);
      o.done();
      return r;
    });
  }

  /** The raw value of a key (for factories that pass a nested config on, like dynamic-dir). */
  raw(k: string): unknown {
    return this.get(k, true);
  }

  /** Refuses keys that were not read. */
  done(): void {
    const unknown = Object.keys(this.value).filter((k) => !this.used.has(k));
    if (unknown.length > 0) {
      const known = [...this.used].join(', ');
      throw configError(
        this.where,
        this.key(unknown[0]!),
        `unknown key${known ? ` (known keys: ${known})` : ''}`,
      );
    }
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
