/**
 * The tree filter's name glob on the client, the same rule as the engine's (`*` matches any
 * run of characters, everything else itself): used to tell matched directories from the ones
 * that only lead to a match.
 */
export function nameGlob(filter: string): (name: string) => boolean {
  const escaped = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${escaped}$`, 's');
  return (name) => re.test(name);
}
