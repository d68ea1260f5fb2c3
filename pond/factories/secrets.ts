import { isMap, isScalar, parseDocument } from 'yaml';

/**
 * Secret fields of a config (a collector's client secret), named by the factory. A value that is
 * exactly one `${env:VAR}` reference names where the secret comes from and is shown as it is;
 * any other value is the secret itself and is shown as REDACTED by describe, cat and the app.
 */
export const REDACTED = '[REDACTED]';

const ENV_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;
const ANY_ENV_REFERENCE = /\$\{env:[^}]*\}/g;

/** The config text with the values of `keys` (top-level keys) redacted, comments kept. */
export function redactSecrets(config: string, keys: readonly string[]): string {
  if (keys.length === 0) return config;
  const doc = parseDocument(config);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    // Not a config we can read key by key: show nothing of it rather than a secret.
    return `# ${REDACTED}: the config does not read as YAML\n`;
  }
  let changed = false;
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !keys.includes(key)) continue;
    const value = pair.value;
    if (isScalar(value) && typeof value.value === 'string' && ENV_REFERENCE.test(value.value))
      continue;
    doc.set(key, REDACTED);
    changed = true;
  }
  return changed ? doc.toString() : config;
}

/**
 * The `${env:...}` references of a config that are not the whole value of one of `keys` (its
 * secret fields, shown as written and never expanded where anyone sees them): where expanding
 * them could put an environment variable's value on a screen.
 */
export function envReferencesOutsideSecrets(config: string, keys: readonly string[]): string[] {
  const all = config.match(ANY_ENV_REFERENCE) ?? [];
  if (all.length === 0) return [];
  const fields = secretFields(config, keys);
  if (fields === undefined) return all;
  const allowed = fields.flatMap((f) => (f.reference ? [f.value as string] : []));
  // Each allowed reference accounts for one occurrence in the text.
  return all.filter((r) => {
    const i = allowed.indexOf(r);
    if (i < 0) return true;
    allowed.splice(i, 1);
    return false;
  });
}

/** Secrets written into a config as they are (stored in the pond): one warning per key. */
export function literalSecrets(config: string, keys: readonly string[]): string[] {
  return (secretFields(config, keys) ?? [])
    .filter((f) => !f.reference)
    .map(
      (f) =>
        `${f.key} is stored in the pond as written (backups and replicas get it too); write \${env:VARIABLE} to keep it out`,
    );
}

/**
 * The top-level `keys` a config sets, with their values and whether each is a whole
 * `${env:VAR}`; undefined when the config is not a YAML map.
 */
function secretFields(
  config: string,
  keys: readonly string[],
): { key: string; value: unknown; reference: boolean }[] | undefined {
  const doc = parseDocument(config);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const out: { key: string; value: unknown; reference: boolean }[] = [];
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !keys.includes(key)) continue;
    const value = isScalar(pair.value) ? pair.value.value : pair.value;
    out.push({ key, value, reference: typeof value === 'string' && ENV_REFERENCE.test(value) });
  }
  return out;
}
