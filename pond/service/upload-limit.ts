/**
 * The largest upload `pond serve` takes unless told otherwise: 4 GiB. In a module of its own so
 * `pond serve --help` shows it without loading the engine.
 */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 4 * 1024 ** 3;
