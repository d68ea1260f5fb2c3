import { configError } from '../config/config.js';

/**
 * `${env:VAR}` and `${env:VAR:-default}` in a config are replaced by environment variables when
 * the config is read (the stored config keeps them, so a secret is not stored in the pond). A
 * variable that is unset and has no default is an error naming it.
 */
export function expandEnv(
  text: string,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const unset: string[] = [];
  const out = text.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (m, name: string, dflt: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      if (!unset.includes(name)) unset.push(name);
      return m;
    },
  );
  if (unset.length === 0) return out;
  // Every missing variable at once (a collector's id and secret), placed at the first.
  const first = unset[0]!;
  const names = unset.length === 1 ? `variable ${first} is` : `variables ${unset.join(', ')} are`;
  throw configError(
    where,
    `\${env:${first}}`,
    `environment ${names} not set where this config is read (the environment of pond serve, or of the pond command) and ${unset.length === 1 ? 'has' : 'have'} no default (\${env:${first}:-default})`,
  );
}
