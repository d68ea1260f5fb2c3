/** Job kinds the service names as identifiers, in the words the app uses for them. */
const LABELS: Record<string, string> = {
  'run-collector': 'Collector run',
  'demo-pond': 'Making the demo pond',
};

/** What the jobs bar calls a job (its kind, unless that is an identifier). */
export function jobLabel(kind: string): string {
  return LABELS[kind] ?? kind;
}
