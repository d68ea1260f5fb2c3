/**
 * Typed errors shared by the engine, the CLI and the UI.
 *
 * Every error the engine raises on purpose is a PondError with a stable code, a message that
 * names the offending input and the reason, and the input itself. Errors cross the IPC and HTTP
 * boundaries as plain objects (see `toErrorInfo`) and are rebuilt on the other side, so the user
 * sees the same code and message wherever the failure happened.
 */

export const ErrorCode = {
  /** A caller passed an argument that is malformed (bad flag value, bad URL, bad pattern). */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** A path, node, version or file that was asked for does not exist. */
  NotFound: 'NOT_FOUND',
  /** The target already exists and the operation would replace it. */
  AlreadyExists: 'ALREADY_EXISTS',
  /** The operation does not apply to this kind of node (e.g. `cat --format table` on data). */
  WrongType: 'WRONG_TYPE',
  /** A path that would leave the root or a mounted folder. */
  PathEscape: 'PATH_ESCAPE',
  /** Symlinks that loop or nest too deeply. */
  SymlinkLoop: 'SYMLINK_LOOP',
  /** The folder is not a pond, or the pond is damaged. */
  NotAPond: 'NOT_A_POND',
  /** Input data that cannot be read as claimed (not Parquet, ragged CSV, bad encoding...). */
  BadInput: 'BAD_INPUT',
  /** A factory config (YAML) that fails validation. */
  BadConfig: 'BAD_CONFIG',
  /** SQL that DuckDB refused to plan or run. */
  SqlError: 'SQL_ERROR',
  /** A derived node that reads itself. */
  Cycle: 'CYCLE',
  /** Another writer committed first and the change cannot be retried blindly. */
  Conflict: 'CONFLICT',
  /** The pond is locked by another writer for longer than we were willing to wait. */
  Locked: 'LOCKED',
  /** A write was attempted on a read-only view (time travel, dynamic node, hostmount). */
  ReadOnly: 'READ_ONLY',
  /** Delta log problems: gaps, truncated commits, missing files, corrupt checkpoints. */
  DeltaCorrupt: 'DELTA_CORRUPT',
  /** A Delta table needs a protocol version or feature we do not implement. */
  DeltaUnsupported: 'DELTA_UNSUPPORTED',
  /** An export that cannot be written (nullable timestamp, directories, bad temporal parts). */
  ExportError: 'EXPORT_ERROR',
  /** A template that fails to render. */
  TemplateError: 'TEMPLATE_ERROR',
  /** A backup or replica (file://, s3://) cannot be reached, refused a request, or holds damage. */
  Remote: 'REMOTE',
  /**
   * An outside service (an HTTP API, a host file) could not be reached or kept failing after
   * retries; nothing was written, and trying again later may work (`pond run` exits 75).
   */
  Unavailable: 'UNAVAILABLE',
  /** A job or query was cancelled (by its caller, a newer query, or the server stopping). */
  Cancelled: 'CANCELLED',
  /** A query ran longer than the time limit the server states, and was stopped. */
  Timeout: 'TIMEOUT',
  /** The app lost its connection to the engine (`pond serve` stopped or cannot be reached). */
  Disconnected: 'DISCONNECTED',
  /** The request was not authorised (missing or wrong token). */
  Unauthorized: 'UNAUTHORIZED',
  /** The operation does not exist where it was asked (e.g. native dialogs under `pond serve`). */
  Unsupported: 'UNSUPPORTED',
  /**
   * The host file system refused an operation (permission denied, a file where a folder is
   * expected, a full disk, a read-only file system): the message names the path and the reason.
   */
  HostIo: 'HOST_IO',
  /** A bug: something that should not happen. */
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The serializable shape of an error, as it crosses process boundaries. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** The offending input (path, key, URL, SQL...), when there is one. */
  input?: string;
  /** A nested cause, e.g. DuckDB's own message. */
  cause?: string;
}

export class PondError extends Error {
  readonly code: ErrorCode;
  readonly input: string | undefined;

  constructor(code: ErrorCode, message: string, options: { input?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PondError';
    this.code = code;
    this.input = options.input;
  }
}

export function isPondError(e: unknown, code?: ErrorCode): e is PondError {
  return e instanceof PondError && (code === undefined || e.code === code);
}

/** The message of any thrown value (errors thrown by libraries are not always Errors). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const CODES = new Set<string>(Object.values(ErrorCode));

/**
 * True for a plain ErrorInfo object. Failed calls through Electron's contextBridge reject with
 * one, because the bridge keeps only the message of an Error and drops its code.
 */
export function isErrorInfo(v: unknown): v is ErrorInfo {
  if (v === null || typeof v !== 'object' || v instanceof Error) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o['code'] === 'string' &&
    CODES.has(o['code']) &&
    typeof o['message'] === 'string' &&
    (o['input'] === undefined || typeof o['input'] === 'string') &&
    (o['cause'] === undefined || typeof o['cause'] === 'string')
  );
}

/** What the host file system's refusals mean, by Node.js error code. */
const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long for this file system',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'the file or folder is busy',
  EXDEV: 'it is on another device',
  EIO: 'input/output error',
};

/** The Node.js code of a system error (ENOENT, EACCES...), or undefined for anything else. */
function systemCode(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, syscall } = e as Error & { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof syscall === 'string'
    ? code
    : undefined;
}

/**
 * Why a host file could not be used, for a message that names it itself ("cannot read
 * --config-path x: it is a folder, not a file"), and the code: NOT_FOUND when it is not there,
 * HOST_IO for the host's other refusals, INTERNAL for anything else.
 */
export function hostRefusal(e: unknown): { code: ErrorCode; reason: string } {
  const code = systemCode(e);
  if (code === undefined) return { code: ErrorCode.Internal, reason: messageOf(e) };
  return {
    code: code === 'ENOENT' ? ErrorCode.NotFound : ErrorCode.HostIo,
    reason: SYSTEM_REASONS[code] ?? code,
  };
}

/**
 * A Node.js system error (an Error with a code such as ENOENT and the syscall that failed) as
 * HOST_IO, naming the path: the host refused something, which is not a bug of ours.
 */
function systemErrorInfo(e: unknown): ErrorInfo | undefined {
  const code = systemCode(e);
  if (code === undefined) return undefined;
  const { syscall, path } = e as Error & { syscall: string; path?: unknown };
  const where = typeof path === 'string' ? ` ${path}` : '';
  const info: ErrorInfo = {
    code: ErrorCode.HostIo,
    message: `cannot ${syscall}${where}: ${SYSTEM_REASONS[code] ?? code}`,
    cause: (e as Error).message,
  };
  if (typeof path === 'string') info.input = path;
  return info;
}

/**
 * The ErrorInfo of any thrown value: a PondError, a plain ErrorInfo (kept as is), a system error
 * of the host file system (HOST_IO), or anything else (INTERNAL).
 */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (isErrorInfo(e)) {
    const info: ErrorInfo = { code: e.code, message: e.message };
    if (e.input !== undefined) info.input = e.input;
    if (e.cause !== undefined) info.cause = e.cause;
    return info;
  }
  if (e instanceof PondError) {
    const info: ErrorInfo = { code: e.code, message: e.message };
    if (e.input !== undefined) info.input = e.input;
    if (e.cause !== undefined) info.cause = messageOf(e.cause);
    return info;
  }
  return systemErrorInfo(e) ?? { code: ErrorCode.Internal, message: messageOf(e) };
}

export function fromErrorInfo(info: ErrorInfo): PondError {
  return new PondError(info.code, info.message, {
    ...(info.input === undefined ? {} : { input: info.input }),
    ...(info.cause === undefined ? {} : { cause: new Error(info.cause) }),
  });
}
