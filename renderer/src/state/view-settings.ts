import { create } from 'zustand';

/** How times are shown: UTC (the default, as the engine and the CLI print them) or local. */
export type Zone = 'utc' | 'local';

const ZONE_KEY = 'pond.timeZone';
const SIDEBAR_KEY = 'pond.sidebarWidth';
export const SIDEBAR_MIN = 180;
export const SIDEBAR_DEFAULT = 320;

interface ViewSettings {
  zone: Zone;
  sidebarWidth: number;
  setZone(zone: Zone): void;
  setSidebarWidth(px: number): void;
}

function savedWidth(): number {
  const n = Number(localStorage.getItem(SIDEBAR_KEY));
  return Number.isFinite(n) && n >= SIDEBAR_MIN ? n : SIDEBAR_DEFAULT;
}

/** Settings of this browser (kept in localStorage): the time zone and the sidebar's width. */
export const useView = create<ViewSettings>()((set) => ({
  zone: localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc',
  sidebarWidth: savedWidth(),
  setZone: (zone) => {
    if (zone === 'utc') localStorage.removeItem(ZONE_KEY);
    else localStorage.setItem(ZONE_KEY, zone);
    set({ zone });
  },
  setSidebarWidth: (px) => {
    const w = Math.round(Math.max(SIDEBAR_MIN, px));
    localStorage.setItem(SIDEBAR_KEY, String(w));
    set({ sidebarWidth: w });
  },
}));
