import type { ImportPlan } from '../../shared/import.js';
import { parseUrl } from '../query/url.js';

/** A label for messages: the URL, and the file when the URL names a folder. */
export function labelOf(plan: Pick<ImportPlan, 'source' | 'file'>): string {
  return plan.file.endsWith(parseUrl(plan.source).path)
    ? plan.source
    : `${plan.source} (${plan.file})`;
}
