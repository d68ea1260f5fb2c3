import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * Numbers given as flags. `Number()` alone takes '' as 0, ' 5' as 5 and '1e3' as 1000, so a
 * mistyped `--log-retention-days ''` would mean "keep nothing": only plain decimals pass here.
 */
export function wholeNumberFlag(
  flag: string,
  value: string,
  range: { min: number; max?: number },
): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < range.min || n > max) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${flag} must be a whole number from ${range.min} to ${max}, not '${value}'`,
      { input: value },
    );
  }
  return n;
}

/** A number >= 0 with an optional fraction (`1.5`); the same strictness as `wholeNumberFlag`. */
export function decimalFlag(flag: string, value: string, range: { max: number }): number {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n > range.max) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `${flag} must be a number from 0 to ${range.max}, not '${value}'`,
      { input: value },
    );
  }
  return n;
}
