import { useEffect, useMemo, useState } from 'react';
import type { DataContent } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { formatBytes } from '../common/format';
import { useAsync } from '../common/use-async';
import { useClient } from '../state/app-store';
import { parseCsv } from './csv-table';
import { Markdown } from './markdown';

/** What the Data tab shows of a data file: at most this much of it. */
const MAX_BYTES = 1024 * 1024;
const CSV_ROWS = 1000;

/** A data file's content: text, Markdown, JSON, CSV as a table, an image, or a hex dump. */
export function DataFilePanel({ pond, path, asOf }: { pond: string; path: string; asOf?: number }) {
  const client = useClient();
  const content = useAsync(
    () =>
      client.readData({ pond, path, maxBytes: MAX_BYTES, ...(asOf === undefined ? {} : { asOf }) }),
    [client, pond, path, asOf],
  );
  if (content.state === 'loading') return <div className="panel-loading">Reading {path}…</div>;
  if (content.state === 'failed')
    return <ErrorView error={content.error} title={`Cannot read ${path}`} />;
  return <Content data={content.value} />;
}

function Content({ data }: { data: DataContent }) {
  const [raw, setRaw] = useState(false);
  const text = useMemo(
    () =>
      data.format === 'image' || data.format === 'binary'
        ? ''
        : new TextDecoder().decode(data.bytes),
    [data],
  );
  const canRender = data.format === 'markdown' || data.format === 'csv' || data.format === 'json';
  return (
    <div className="data-file" data-format={data.format} data-testid="data-file">
      <div className="data-file-head">
        <span>
          {data.format === 'image' ? data.mime : data.format} · {formatBytes(data.size)}
          {data.truncated ? ` · showing the first ${formatBytes(data.bytes.length)}` : ''}
        </span>
        {canRender ? (
          <button aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
            {raw ? 'Formatted' : 'Text'}
          </button>
        ) : null}
      </div>
      <div className="data-file-body">
        {data.format === 'image' ? (
          <ImageView data={data} />
        ) : data.format === 'binary' ? (
          <pre className="data-text hex">{hexDump(data.bytes.subarray(0, 4096))}</pre>
        ) : raw || data.format === 'text' ? (
          <pre className="data-text">{text}</pre>
        ) : data.format === 'markdown' ? (
          <Markdown text={text} />
        ) : data.format === 'json' ? (
          <pre className="data-text">{prettyJson(text, data.truncated)}</pre>
        ) : (
          <CsvTable text={text} />
        )}
      </div>
    </div>
  );
}

function ImageView({ data }: { data: DataContent }) {
  const url = useMemo(
    () =>
      URL.createObjectURL(new Blob([data.bytes as Uint8Array<ArrayBuffer>], { type: data.mime! })),
    [data],
  );
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  if (data.truncated)
    return <p className="muted">The image is larger than {formatBytes(MAX_BYTES)}.</p>;
  return <img className="data-image" src={url} alt={data.path} />;
}

function CsvTable({ text }: { text: string }) {
  const { rows, more } = useMemo(() => parseCsv(text, CSV_ROWS + 1), [text]);
  const [head, ...body] = rows;
  return (
    <>
      <table className="simple csv-table">
        <thead>
          <tr>
            {head?.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {more ? <p className="muted">The first {CSV_ROWS.toLocaleString('en-US')} rows.</p> : null}
    </>
  );
}

function prettyJson(text: string, truncated: boolean): string {
  if (truncated) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const chunk = bytes.subarray(o, o + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) =>
      b >= 32 && b < 127 ? String.fromCharCode(b) : '.',
    ).join('');
    lines.push(`${o.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
