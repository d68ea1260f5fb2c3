/**
 * The time limit of a preview, chart or details call unless the host says otherwise: 2 minutes.
 * In a module of its own so `pond serve --help` shows it without loading the engine.
 */
export const DEFAULT_QUERY_TIME_LIMIT_MS = 120_000;
