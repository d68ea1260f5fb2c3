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
  return text.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, dflt: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      throw configError(
        where,
        `\${env:${name}}`,
        `environment variable ${name} is not set and has no default (\${env:${name}:-default})`,
      );
    },
  );
}
