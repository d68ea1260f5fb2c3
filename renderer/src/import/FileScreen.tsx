import { useEffect } from 'react';
import type { ImportFileSpec } from '../../../shared/app-import';
import { EPOCH_UNITS, type ImportKind, type ImportPreview } from '../../../shared/import';
import { ErrorView } from '../common/ErrorView';
import { fileError } from './file-error';
import { formatBytes } from '../common/format';
import { CopyCommand } from '../export/CopyCommand';
import { ColumnsTable } from './ColumnsTable';
import { EPOCH_UNIT_LABELS, STRPTIME_LABEL } from '../../../shared/import-labels';
import { CommitInput, DialectFields, LinesToSkip } from './DialectFields';
import { preambleLines } from './preamble-hint';
import { PreviewRows } from './PreviewRows';
import { RejectsTable } from './RejectsTable';
import { withKind, withOverrides } from './spec-edits';
import { useImportPreview, type ImportPreviewState } from './use-import-preview';

const KIND_LABELS: Record<ImportKind, string> = {
  series: 'series (all versions read together, by event time)',
  table: 'table (the latest version is read)',
  data: 'data (the bytes as they are)',
};

/**
 * One file of the import: where it goes and as what, how it is read, its columns, and what would
 * be stored (the first rows, the rejected rows with their lines, why it would be refused). Every
 * edit plans and previews it again.
 */
export function FileScreen({
  pond,
  screen,
  name,
  size,
  csv,
  spec,
  hidden,
  onChange,
  onPreview,
}: {
  pond: string;
  screen: string;
  name: string;
  size: number;
  /** Its bytes are read as CSV (not Parquet). */
  csv: boolean;
  spec: ImportFileSpec;
  hidden: boolean;
  onChange(spec: ImportFileSpec): void;
  onPreview(state: ImportPreviewState): void;
}) {
  const state = useImportPreview(pond, screen, spec);
  useEffect(() => onPreview(state), [state]);
  const { preview, running, error } = state;
  const kinds = preview?.kinds ?? (['series', 'table', 'data'] as ImportKind[]);
  const p = preview?.preview;
  return (
    <section className="import-file" aria-label={`Import ${name}`} hidden={hidden}>
      <div className="import-where">
        <label>
          Store as
          <CommitInput
            label="Pond path"
            className="mono"
            value={spec.target}
            onCommit={(v) => v.startsWith('/') && onChange({ ...spec, target: v })}
          />
        </label>
        <label>
          Kind
          <select
            aria-label="Kind"
            value={spec.kind}
            disabled={kinds.length < 2}
            onChange={(e) => onChange(withKind(spec, e.target.value as ImportKind))}
          >
            {kinds.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <span className="import-status" aria-live="polite" aria-busy={running}>
          {running ? 'Reading the whole file…' : ''}
        </span>
      </div>
      {p ? <WhatHappens preview={p} size={size} stale={!state.fresh} /> : null}
      {error ? <ErrorView {...fileError(error, name)} /> : null}
      {error && !p && csv && spec.kind !== 'data' ? (
        // Never read (its columns do not fit the series it was dropped on, say): the lines
        // before its header, which the sniffer never guesses, can still be set here.
        <fieldset className="import-dialect" aria-label="CSV dialect">
          <legend>How the file is read</legend>
          <LinesToSkip skip={spec.overrides.skip ?? 0} spec={spec} onChange={onChange} />
        </fieldset>
      ) : null}
      {p && p.plan.format !== 'bytes' ? (
        <>
          {p.plan.dialect ? (
            <DialectFields dialect={p.plan.dialect} spec={spec} onChange={onChange} />
          ) : null}
          {p.plan.timestamp ? <TimeFields preview={p} spec={spec} onChange={onChange} /> : null}
          <ColumnsTable preview={p} spec={spec} onChange={onChange} />
          {p.problems.length > 0 ? (
            <div className="import-problems" role="alert">
              <ul aria-label="Problems">
                {p.problems.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <PreambleHint preview={p} spec={spec} onChange={onChange} />
          <RejectsTable preview={p} />
          <h3>
            First {p.rows.length} of {p.rowCount.toLocaleString('en-US')} rows, as they will be
            stored
          </h3>
          <PreviewRows preview={p} />
        </>
      ) : null}
      {preview ? (
        <div className="import-command">
          <CopyCommand command={preview.command} />
          {preview.commandNote ? <span className="muted"> {preview.commandNote}</span> : null}
        </div>
      ) : null}
    </section>
  );
}

/** Lines before the header that look like a logger's preamble, and a button to skip them. */
function PreambleHint({
  preview,
  spec,
  onChange,
}: {
  preview: ImportPreview;
  spec: ImportFileSpec;
  onChange(spec: ImportFileSpec): void;
}) {
  const skip = preambleLines(preview);
  if (skip === undefined) return null;
  return (
    <p className="import-hint" data-testid="preamble-hint">
      Line {skip + 1} has more columns than the {skip === 1 ? 'line' : `${skip} lines`} before it:
      if {skip === 1 ? 'that line is' : 'they are'} a preamble (a logger&apos;s name, the site)
      rather than the table,{' '}
      <button onClick={() => onChange(withOverrides(spec, { skip }))}>
        Skip the first {skip === 1 ? 'line' : `${skip} lines`}
      </button>
    </p>
  );
}

/** "New series /raw/north.csv" or "Version 3 of the series ...", with its rows and time range. */
function WhatHappens({
  preview,
  size,
  stale,
}: {
  preview: ImportPreview;
  size: number;
  stale: boolean;
}) {
  const plan = preview.plan;
  const what =
    plan.mode === 'new'
      ? `New ${plan.kind} ${plan.target}`
      : `Version ${plan.existingVersions + 1} of the ${plan.kind} ${plan.target}`;
  const added = preview.schemaChanges?.filter((c) => c.change === 'added').map((c) => c.column);
  const facts =
    plan.format === 'bytes'
      ? `${formatBytes(size)}, stored as they are`
      : `${preview.rowCount.toLocaleString('en-US')} rows` +
        (preview.timeRange
          ? `, ${isoMicros(preview.timeRange.minUs)} … ${isoMicros(preview.timeRange.maxUs)}`
          : '') +
        (added?.length ? `; new columns: ${added.join(', ')}` : '');
  return (
    <p className={`import-what${stale ? ' stale' : ''}`} data-testid="import-what">
      <strong>{what}</strong> · {facts}
    </p>
  );
}

/** A series: its event-time column and how its values are read. */
function TimeFields({
  preview,
  spec,
  onChange,
}: {
  preview: ImportPreview;
  spec: ImportFileSpec;
  onChange(spec: ImportFileSpec): void;
}) {
  const ts = preview.plan.timestamp!;
  const format = ts.format;
  const mode =
    format === null
      ? 'time'
      : (EPOCH_UNITS as readonly string[]).includes(format)
        ? format
        : 'strptime';
  const stored = preview.plan.columns.filter((c) => !c.skip);
  return (
    <fieldset className="import-time" aria-label="Event time">
      <legend>Event time</legend>
      <label>
        Column
        <select
          aria-label="Timestamp column"
          value={ts.column}
          onChange={(e) => onChange(withOverrides(spec, { timestampColumn: e.target.value }))}
        >
          {stored.map((c) => (
            <option key={c.position} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Its values are
        <select
          aria-label="Timestamp format"
          value={mode}
          onChange={(e) => {
            const v = e.target.value;
            onChange(
              withOverrides(spec, {
                timestampFormat:
                  v === 'time' ? undefined : v === 'strptime' ? '%Y-%m-%d %H:%M:%S' : v,
              }),
            );
          }}
        >
          <option value="time">times (ISO-8601, UTC unless they say)</option>
          {Object.entries(EPOCH_UNIT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
          <option value="strptime">{STRPTIME_LABEL}</option>
        </select>
      </label>
      {mode === 'strptime' ? (
        <label>
          Format
          <CommitInput
            label="Time format"
            className="mono"
            value={format ?? ''}
            onCommit={(v) => v !== '' && onChange(withOverrides(spec, { timestampFormat: v }))}
          />
        </label>
      ) : null}
    </fieldset>
  );
}

/** µs since the epoch as ISO-8601 UTC (to the second when that is all there is). */
function isoMicros(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace('.000Z', 'Z');
}
