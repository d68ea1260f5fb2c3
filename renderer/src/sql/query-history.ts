/** The SQL a user ran, per pond (keyed by the pond's folder), newest first, in localStorage. */
const MAX = 50;

function key(pondPath: string): string {
  return `pond.sqlHistory:${pondPath}`;
}

export function loadQueryHistory(pondPath: string): string[] {
  const raw = localStorage.getItem(key(pondPath));
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    // A damaged entry (edited by hand) starts a new history rather than breaking the panel.
    localStorage.removeItem(key(pondPath));
    return [];
  }
}

export function rememberQuery(pondPath: string, sql: string): string[] {
  const list = [sql, ...loadQueryHistory(pondPath).filter((q) => q !== sql)].slice(0, MAX);
  localStorage.setItem(key(pondPath), JSON.stringify(list));
  return list;
}
