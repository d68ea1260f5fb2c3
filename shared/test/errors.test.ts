import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, PondError, toErrorInfo } from '../errors.js';

describe('toErrorInfo', () => {
  it('keeps a PondError as it is', () => {
    const info = toErrorInfo(
      new PondError(ErrorCode.NotFound, "'/x' does not exist", { input: '/x' }),
    );
    expect(info).toEqual({ code: 'NOT_FOUND', message: "'/x' does not exist", input: '/x' });
  });

  it("turns the host file system's refusals into HOST_IO naming the path and the reason", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'errors-'));
    try {
      const missing = await readFile(join(dir, 'nope')).catch((e: unknown) => e);
      expect(toErrorInfo(missing)).toMatchObject({
        code: ErrorCode.HostIo,
        message: `cannot open ${join(dir, 'nope')}: no such file or folder`,
        input: join(dir, 'nope'),
      });
      const folder = await readFile(dir).catch((e: unknown) => e);
      expect(toErrorInfo(folder)).toMatchObject({
        code: ErrorCode.HostIo,
        message: 'cannot read: it is a folder, not a file',
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('calls anything else INTERNAL: a bug', () => {
    expect(toErrorInfo(new TypeError('x is undefined'))).toEqual({
      code: ErrorCode.Internal,
      message: 'x is undefined',
    });
    const coded = Object.assign(new Error('not a system error'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(toErrorInfo(coded).code).toBe(ErrorCode.Internal);
  });
});
