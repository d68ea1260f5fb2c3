import { describe, expect, it } from 'vitest';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { expandEnv } from '../env-substitution.js';

function refusal(text: string, env: NodeJS.ProcessEnv): PondError {
  try {
    expandEnv(text, '/n (hydrovu)', env);
  } catch (e) {
    if (e instanceof PondError) return e;
    throw e;
  }
  throw new Error(`expanded ${text}`);
}

describe('expandEnv', () => {
  it('replaces set variables and uses the default of unset ones', () => {
    expect(expandEnv('a: ${env:A}\nb: ${env:B:-two}\n', 'w', { A: 'one' })).toBe(
      'a: one\nb: two\n',
    );
  });
  it('an unset variable without a default is refused, naming it and where it must be set', () => {
    const e = refusal('a: ${env:A}\n', {});
    expect(e.code).toBe(ErrorCode.BadConfig);
    expect(e.message).toContain(
      'environment variable A is not set where this config is read (the environment of pond serve, or of the pond command)',
    );
  });
  it('names every unset variable at once, each once, and an empty one counts as unset', () => {
    const e = refusal('id: ${env:ID}\nsecret: ${env:SECRET}\nagain: ${env:ID}\nok: ${env:OK}\n', {
      SECRET: '',
      OK: 'yes',
    });
    expect(e.message).toContain('environment variables ID, SECRET are not set');
    expect(e.message).not.toContain('OK');
  });
});
