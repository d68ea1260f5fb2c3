/** The command a command line names: its first word that is not a global option or its value. */
export function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--pond' || a === '-d' || a === '--directory') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
