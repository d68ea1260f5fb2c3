import { useState } from 'react';
import type { ExportFormat, ExportSettings } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { useApp, useAsOfTxn, useClient } from '../state/app-store';
import { TIME_PARTS, cleanSettings, parseVars, varsText } from './wizard-settings';

interface Props {
  pond: string;
  settings: ExportSettings;
  onChange(s: ExportSettings): void;
}

/** Step 2: time parts, time range, format, template and vars, and the output folder. */
export function OptionsStep({ pond, settings, onChange }: Props) {
  const client = useClient();
  const app = useApp((s) => s.app);
  const asOf = useAsOfTxn();
  const [varsDraft, setVarsDraft] = useState(varsText(settings.vars));
  const [badVar, setBadVar] = useState<string>();
  const [error, setError] = useState<ErrorInfo>();
  const range = useAsync(async () => {
    const found = await client.exportMatches({
      pond,
      patterns: cleanSettings(settings).patterns,
      ...(asOf === undefined ? {} : { asOf }),
    });
    const all = found.flatMap((f) => f.matches);
    const starts = all.map((m) => m.start).filter((x): x is string => !!x);
    const ends = all.map((m) => m.end).filter((x): x is string => !!x);
    return {
      first: starts.sort()[0],
      last: ends.sort().at(-1),
      unknown: all.some((m) => m.kind !== 'data' && !m.start),
    };
  }, [client, pond, asOf, settings.patterns.join('\n')]);

  const set = (patch: Partial<ExportSettings>) => onChange({ ...settings, ...patch });
  const depth = settings.temporal.length;

  const chooseFolder = async () => {
    try {
      const dir = await client.chooseExportFolder();
      if (dir !== undefined) set({ dir });
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };
  const chooseTemplate = async () => {
    try {
      const t = await client.chooseTemplateFile();
      if (t !== undefined) set({ templates: [...settings.templates.filter((x) => x), t] });
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };

  return (
    <div className="wizard-step options">
      <label>
        Partition by time
        <select
          aria-label="Partition by time"
          value={depth}
          onChange={(e) => set({ temporal: TIME_PARTS.slice(0, Number(e.target.value)) })}
        >
          <option value={0}>no partitions: one file per target</option>
          {TIME_PARTS.map((_, i) => (
            <option key={i} value={i + 1}>
              {TIME_PARTS.slice(0, i + 1).join(' / ')}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Time range (UTC, both ends included)</legend>
        <p className="muted" data-testid="data-range">
          {range.state === 'done' && range.value.first
            ? `The data: ${range.value.first} … ${range.value.last}${range.value.unknown ? ' (derived targets: see the dry run)' : ''}`
            : 'The dry run shows each target’s first and last time.'}
        </p>
        <label>
          From
          <input
            aria-label="Start time"
            placeholder="2024-07-01, -30d, today-7d"
            value={settings.startTime ?? ''}
            onChange={(e) => set({ startTime: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            aria-label="End time"
            placeholder="2024-07-31T23:59:59Z, today, now"
            value={settings.endTime ?? ''}
            onChange={(e) => set({ endTime: e.target.value })}
          />
        </label>
        <p className="muted">
          Relative times (-30d, now-12h, today-7d) count from when the export runs, so a saved
          profile keeps exporting the latest days.
        </p>
      </fieldset>
      <fieldset>
        <legend>Format</legend>
        {(['parquet', 'csv'] as ExportFormat[]).map((f) => (
          <label key={f} className="inline">
            <input
              type="radio"
              name="format"
              checked={settings.format === f}
              onChange={() => set({ format: f })}
            />
            {f === 'parquet'
              ? 'Parquet (types kept; for data portals and DuckDB)'
              : 'CSV (for spreadsheets; times in UTC as 2024-07-01T00:00:00Z)'}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Template (optional)</legend>
        <label>
          Templates, one per line: pond paths{app?.dialogs ? ' or files chosen here' : ''}
          <textarea
            aria-label="Templates"
            className="mono"
            rows={2}
            placeholder="/etc/exports/index.md.njk"
            value={settings.templates.join('\n')}
            onChange={(e) => set({ templates: e.target.value.split('\n') })}
          />
        </label>
        {app?.dialogs ? <button onClick={() => void chooseTemplate()}>Choose file…</button> : null}
        <label>
          Vars for the template, one key=value a line
          <textarea
            aria-label="Template vars"
            className="mono"
            rows={2}
            value={varsDraft}
            onChange={(e) => {
              setVarsDraft(e.target.value);
              const { vars, bad } = parseVars(e.target.value);
              setBadVar(bad);
              if (!bad) set({ vars });
            }}
          />
        </label>
        {badVar !== undefined ? (
          <p className="error" role="alert">
            “{badVar}” is not key=value
          </p>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Output folder</legend>
        {app?.dialogs ? (
          <>
            <button onClick={() => void chooseFolder()}>Choose folder…</button>{' '}
            <span className="mono" data-testid="output-folder">
              {settings.dir || 'no folder chosen'}
            </span>
          </>
        ) : app?.exportRoot ? (
          <>
            <p className="muted" data-testid="export-root">
              On the serving machine, under the export root{' '}
              <span className="mono">{app.exportRoot}</span> (pond serve --export-root): anything
              else is refused.
            </p>
            <input
              className="mono"
              aria-label="Output folder"
              placeholder="portal (a folder under the export root)"
              value={settings.dir}
              onChange={(e) => set({ dir: e.target.value })}
            />
          </>
        ) : (
          <p className="note" data-testid="no-export-root">
            This pond serve was started without --export-root, so the browser cannot write exports
            on the serving machine. Restart it with <code>--export-root DIR</code>.
          </p>
        )}
      </fieldset>
      {error ? <ErrorView error={error} title="The dialog failed" /> : null}
    </div>
  );
}
