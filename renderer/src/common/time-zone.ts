import type { Zone } from '../state/view-settings';

/**
 * The browser's zone, e.g. "Europe/Berlin" (its offset changes with daylight saving time, so
 * each local time carries its own offset instead).
 */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'the browser’s zone';
}

/** How a zone is named on screen: "UTC" or "local (Europe/Berlin)". */
export function zoneLabel(zone: Zone): string {
  return zone === 'utc' ? 'UTC' : `local (${localZoneName()})`;
}

/** "+02:00" for 120 minutes east of UTC. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * An ISO-8601 UTC instant (`2024-07-01T00:00:00.5Z`, any number of fraction digits) in the
 * chosen zone: as given for UTC; for local time the wall-clock time with its offset
 * (`2024-06-30T20:00:00.5-04:00`), keeping every fraction digit. Text that is not such an
 * instant comes back as it is.
 */
export function formatInstant(iso: string, zone: Zone): string {
  if (zone === 'utc') return iso;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const wall = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${wall}${m[2] ?? ''}${offsetText(-d.getTimezoneOffset())}`;
}
