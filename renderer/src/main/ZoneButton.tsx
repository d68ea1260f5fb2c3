import { localZoneName } from '../common/time-zone';
import { useView } from '../state/view-settings';

/** Switches every time on screen (grid, chart, details, history) between UTC and local time. */
export function ZoneButton() {
  const zone = useView((s) => s.zone);
  const setZone = useView((s) => s.setZone);
  return (
    <button
      onClick={() => setZone(zone === 'utc' ? 'local' : 'utc')}
      aria-label={`Times in ${zone === 'utc' ? 'UTC' : 'local time'} (click to change)`}
      title={
        zone === 'utc'
          ? `Times are shown in UTC. Click to show them in local time (${localZoneName()})`
          : `Times are shown in local time (${localZoneName()}). Click to show them in UTC`
      }
      data-testid="zone-button"
    >
      {zone === 'utc' ? 'Times: UTC' : 'Times: local'}
    </button>
  );
}
