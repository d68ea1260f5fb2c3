import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ConfigKeyInfo } from '../../../shared/api.js';
import { messageOf } from '../../../shared/errors.js';
import { defaultRegistry } from '../index.js';
import type { Factory } from '../registry.js';

/**
 * The keys the app's editor completes (each factory's `schema`) are the keys its `validate`
 * reads: the example validates and uses every key the schema names, and at every level the
 * validator's own list of known keys (in its "unknown key" error) is among the schema's.
 */
const registry = defaultRegistry();
const mount = mkdtempSync(join(tmpdir(), 'pond-schema-'));
afterAll(() => rmSync(mount, { recursive: true, force: true }));
// Examples write secrets as `${env:VAR}` (the recommended form): the variables are set here, as
// they are where such a node runs.
beforeAll(() => {
  for (const f of registry.list())
    for (const m of f.schema.example.matchAll(/\$\{env:(\w+)\}/g))
      vi.stubEnv(m[1]!, `${m[1]}-value`);
});
afterAll(() => vi.unstubAllEnvs());

type Yaml = Record<string, unknown>;

function example(f: Factory): Yaml {
  const doc = parse(f.schema.example) as Yaml;
  // hostmount checks that its folder exists.
  if (f.name === 'hostmount') doc['directory'] = mount;
  return doc;
}

const validate = (f: Factory, doc: Yaml) => f.validate(stringify(doc), `/x (${f.name})`);

/** Every mapping of the document the schema describes, with the keys it may hold. */
function mappings(
  doc: Yaml,
  keys: ConfigKeyInfo[],
  at: string,
): { at: string; obj: Yaml; keys: ConfigKeyInfo[] }[] {
  const out = [{ at, obj: doc, keys }];
  for (const k of keys) {
    const v = doc[k.name];
    if (!k.keys || v === undefined) continue;
    if (Array.isArray(v)) {
      v.forEach((item, i) => out.push(...mappings(item as Yaml, k.keys!, `${at}${k.name}[${i}].`)));
    } else out.push(...mappings(v as Yaml, k.keys, `${at}${k.name}.`));
  }
  return out;
}

describe('factory config schemas', () => {
  for (const f of registry.list()) {
    describe(f.name, () => {
      it('its example validates and uses every key the schema names', () => {
        const doc = example(f);
        expect(() => validate(f, doc)).not.toThrow();
        const named = new Set<string>();
        const walkSchema = (keys: ConfigKeyInfo[], prefix: string) => {
          for (const k of keys) {
            named.add(prefix + k.name);
            if (k.keys) walkSchema(k.keys, `${prefix}${k.name}.`);
          }
        };
        walkSchema(f.schema.keys, '');
        const used = new Set<string>();
        for (const m of mappings(doc, f.schema.keys, '')) {
          const prefix = m.at.replace(/\[\d+\]/g, '');
          for (const name of Object.keys(m.obj)) {
            expect(
              m.keys.map((k) => k.name),
              `${m.at}${name}`,
            ).toContain(name);
            used.add(prefix + name);
          }
        }
        expect([...used].sort()).toEqual([...named].sort());
      });

      it('the validator knows no key the schema lacks, at any level', () => {
        const doc = example(f);
        for (const m of mappings(doc, f.schema.keys, '')) {
          m.obj['zz_unknown'] = 1;
          let message = '';
          try {
            validate(f, doc);
          } catch (e) {
            message = messageOf(e);
          }
          delete m.obj['zz_unknown'];
          expect(message, m.at).toContain(`${m.at}zz_unknown: unknown key`);
          const known = /\(known keys: ([^)]*)\)/.exec(message)?.[1]?.split(', ') ?? [];
          expect(known.length, message).toBeGreaterThan(0);
          for (const k of known)
            expect(
              m.keys.map((x) => x.name),
              `${m.at}${k}`,
            ).toContain(k);
        }
      });

      it('required keys are refused when missing', () => {
        for (const k of f.schema.keys.filter((x) => x.required)) {
          const doc = example(f);
          delete doc[k.name];
          expect(() => validate(f, doc), k.name).toThrow(`${k.name}: is required`);
        }
      });
    });
  }
});
