import { useState } from 'react';
import { localZoneName } from '../common/time-zone';
import { useView } from '../state/view-settings';

/** Switches every time on screen (grid, chart, details, history) between UTC and local time. */
export function ZoneButton() {
  const zone = useView((s) => s.zone);
  const setZone = useView((s) => s.setZone);
  // The zone's name comes from Intl, whose first use takes milliseconds (tens on a busy machine):
  // it is asked for when the tooltip is about to show, not while the first screen is drawn.
  const [zoneName, setZoneName] = useState<string>();
  const name = () => setZoneName((n) => n ?? localZoneName());
  const local = zoneName ? `local time (${zoneName})` : 'local time';
  return (
    <button
      onClick={() => setZone(zone === 'utc' ? 'local' : 'utc')}
      onPointerEnter={name}
      onFocus={name}
      aria-label={`Times in ${zone === 'utc' ? 'UTC' : 'local time'} (click to change)`}
      title={
        zone === 'utc'
          ? `Times are shown in UTC. Click to show them in ${local}`
          : `Times are shown in ${local}. Click to show them in UTC`
      }
      data-testid="zone-button"
    >
      {zone === 'utc' ? 'Times: UTC' : 'Times: local'}
    </button>
  );
}
