import type { Fetch } from './client.js';

/**
 * A built-in simulated HydroVu API (`simulated: true`), so a new user can press Run in the demo
 * pond and watch readings arrive: every location reads temperature, specific conductivity, pH
 * and dissolved oxygen once a minute, from two days before the first request up to now, served
 * with the real API's token, names, locations and paging headers. Values are smooth daily
 * cycles, the same for the same location and minute.
 */
const PARAMETERS: Record<string, string> = {
  '1': 'Temperature',
  '2': 'Specific Conductivity',
  '17': 'pH',
  '20': 'Dissolved Oxygen (concentration)',
};
const UNITS: Record<string, string> = { '1': 'C', '17': 'uS/cm', '99': 'pH', '117': 'mg/L' };
const SERIES: [string, string, (t: number, loc: number) => number][] = [
  ['1', '1', (t, loc) => 14 + (loc % 7) + 3 * Math.sin((2 * Math.PI * (t - 9 * 3600)) / 86400)],
  ['2', '17', (t, loc) => 450 + 20 * (loc % 5) + 30 * Math.sin((2 * Math.PI * t) / (3.5 * 86400))],
  ['17', '99', (t) => 7.6 + 0.25 * Math.sin((2 * Math.PI * (t - 13 * 3600)) / 86400)],
  ['20', '117', (t) => 9.5 + 0.8 * Math.sin((2 * Math.PI * (t - 12 * 3600)) / 86400)],
];
const STEP_S = 60;
const PAGE_TIMES = 1000;
const HISTORY_S = 2 * 86400;

export function simulatedHydroVu(
  locations: { id: number; name: string }[],
  now: () => number = Date.now,
): Fetch {
  // The simulated instruments have been logging since two days before the first request.
  let firstS: number | undefined;
  return async (url, init) => {
    const nowS = Math.floor(now() / 1000);
    firstS ??= Math.floor((nowS - HISTORY_S) / STEP_S) * STEP_S;
    const u = new URL(url);
    const path = u.pathname.replace(/^.*\/public-api\//, '');
    if (path === 'oauth/token')
      return json({ access_token: 'simulated', token_type: 'bearer', expires_in: 3600 });
    if (path === 'v1/sispec/friendlynames') return json({ parameters: PARAMETERS, units: UNITS });
    if (path === 'v1/locations/list')
      return json(
        locations.map((l) => ({
          id: l.id,
          name: l.name,
          description: 'simulated',
          gps: { latitude: 39.36, longitude: -123.8 },
        })),
      );
    const m = /^v1\/locations\/(\d+)\/data$/.exec(path);
    if (!m) return json({ message: `no such endpoint: ${path}` }, 404);
    const loc = Number(m[1]);
    if (!locations.some((l) => l.id === loc)) return json({ message: `no location ${loc}` }, 404);
    const start = Math.max(firstS, Number(u.searchParams.get('startTime') ?? 0));
    const header = new Headers(init.headers).get('x-isi-start-page');
    const from = header === null ? Math.ceil(start / STEP_S) * STEP_S : Number(header);
    const to = Math.min(nowS, from + (PAGE_TIMES - 1) * STEP_S);
    const times: number[] = [];
    for (let t = from; t <= to; t += STEP_S) times.push(t);
    const next = to + STEP_S <= nowS ? String(to + STEP_S) : undefined;
    return json(
      {
        locationId: loc,
        parameters: SERIES.map(([parameterId, unitId, f]) => ({
          customParameter: false,
          parameterId,
          unitId,
          readings: times.map((t) => ({
            timestamp: t,
            value: Math.round(f(t, loc) * 1000) / 1000,
          })),
        })),
      },
      200,
      next === undefined ? {} : { 'x-isi-next-page': next },
    );
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
