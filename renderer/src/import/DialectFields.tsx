import { useEffect, useState } from 'react';
import type { ImportFileSpec } from '../../../shared/app-import';
import type { CsvDialect } from '../../../shared/import';
import { ENCODING_LABELS, HEADER_LABEL, SKIP_REJECTED_LABEL } from '../../../shared/import-labels';
import { withOverrides } from './spec-edits';

const DELIMITERS: [string, string][] = [
  [',', 'comma ,'],
  [';', 'semicolon ;'],
  ['\t', 'tab'],
  ['|', 'bar |'],
];

/**
 * The CSV dialect as planned (DuckDB's sniff with the user's overrides), every field editable:
 * a change becomes an override of the spec, and so a new plan and preview.
 */
export function DialectFields({
  dialect,
  spec,
  onChange,
}: {
  dialect: CsvDialect;
  spec: ImportFileSpec;
  onChange(spec: ImportFileSpec): void;
}) {
  const set = (change: Parameters<typeof withOverrides>[1]) =>
    onChange(withOverrides(spec, change));
  const known = DELIMITERS.some(([d]) => d === dialect.delimiter);
  return (
    <fieldset className="import-dialect" aria-label="CSV dialect">
      <legend>How the file is read</legend>
      <label>
        Delimiter
        <select
          aria-label="Delimiter"
          value={known ? dialect.delimiter : 'other'}
          onChange={(e) => {
            if (e.target.value !== 'other') set({ delimiter: e.target.value });
          }}
        >
          {DELIMITERS.map(([d, label]) => (
            <option key={label} value={d}>
              {label}
            </option>
          ))}
          <option value="other">other…</option>
        </select>
        {!known ? (
          <CommitInput
            label="Other delimiter"
            value={dialect.delimiter}
            maxLength={4}
            onCommit={(v) => v !== '' && set({ delimiter: v })}
          />
        ) : null}
      </label>
      <label>
        Quote
        <CommitInput
          label="Quote"
          value={dialect.quote}
          maxLength={1}
          onCommit={(v) => set({ quote: v })}
        />
      </label>
      <label>
        Escape
        <CommitInput
          label="Escape"
          value={dialect.escape}
          maxLength={1}
          onCommit={(v) => set({ escape: v })}
        />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={dialect.header}
          onChange={(e) => set({ header: e.target.checked })}
        />
        {HEADER_LABEL}
      </label>
      <LinesToSkip skip={dialect.skip} spec={spec} onChange={onChange} />
      <label>
        Encoding
        <select
          aria-label="Encoding"
          value={dialect.encoding}
          onChange={(e) => set({ encoding: e.target.value as CsvDialect['encoding'] })}
        >
          {Object.entries(ENCODING_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Missing value
        <CommitInput
          label="Missing value"
          value={dialect.nullStrings[0] ?? ''}
          placeholder="(empty field)"
          onCommit={(v) => set({ nullStrings: v === '' ? undefined : [v] })}
        />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={spec.overrides.skipRejected ?? false}
          onChange={(e) => set({ skipRejected: e.target.checked ? true : undefined })}
        />
        {SKIP_REJECTED_LABEL}
      </label>
    </fieldset>
  );
}

/** Lines before the header (a logger's preamble): never guessed, so always the user's to set. */
export function LinesToSkip({
  skip,
  spec,
  onChange,
}: {
  skip: number;
  spec: ImportFileSpec;
  onChange(spec: ImportFileSpec): void;
}) {
  return (
    <label>
      Lines to skip
      <CommitInput
        label="Lines to skip"
        value={String(skip)}
        inputMode="numeric"
        onCommit={(v) => /^\d+$/.test(v) && onChange(withOverrides(spec, { skip: Number(v) }))}
      />
    </label>
  );
}

/**
 * A text field that changes the plan when the user is done with it (Enter or leaving the field),
 * not at every keystroke: half-typed values (a type, a name) would each be planned.
 */
export function CommitInput({
  label,
  value,
  onCommit,
  ...rest
}: {
  label: string;
  value: string;
  onCommit(value: string): void;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <input
      {...rest}
      aria-label={label}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          // Undoes the edit; the wizard (which closes on Escape) does not hear it.
          e.stopPropagation();
          setText(value);
        }
      }}
    />
  );
}
