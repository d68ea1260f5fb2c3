import { useEffect, useRef, useState } from 'react';
import '../export/export.css';
import './import.css';
import type { ImportFileSpec, ImportSource, ImportTransactions } from '../../../shared/app-import';
import type { WriteJobResult } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { ImportedFile } from '../../../shared/import';
import type { Upload } from '../client/upload';
import { useFocusBack } from '../common/use-focus-back';
import { useFocusTrap } from '../common/use-focus-trap';
import { ErrorView } from '../common/ErrorView';
import { formatBytes } from '../common/format';
import { useApp, useClient } from '../state/app-store';
import { fileError } from './file-error';
import { FileScreen } from './FileScreen';
import { useImport, type ImportAddition, type ImportStart } from './import-store';
import { RunView } from './RunView';
import { showImported } from './show-imported';
import { stageFile } from './stage';
import type { ImportPreviewState } from './use-import-preview';

/** One file of the wizard, from staging to its spec and latest preview. */
interface WizardFile {
  key: string;
  name: string;
  size: number;
  sent: number;
  source?: ImportSource;
  spec?: ImportFileSpec;
  /** Why it could not be staged. */
  error?: ErrorInfo;
  /** Why it cannot go where it was dropped (a derived node, a missing directory). */
  placeError?: ErrorInfo;
  preview?: ImportPreviewState;
}

type Step = 'where' | 'files' | 'run';

/**
 * The import wizard (DESIGN §6, issue 11): the dropped or chosen files are staged with the
 * process that owns the pond (uploaded under `pond serve`), placed where they were dropped (or
 * in the directory the user chooses), then one screen per file shows its plan and preview, every
 * edit previewed again; the import runs as write jobs, one transaction for all files or one per
 * file, with progress and Cancel. After it, the new node is selected and previewed.
 */
export function ImportWizard({ pond, start }: { pond: string; start: ImportStart }) {
  const client = useClient();
  const app = useApp((s) => s.app);
  const jobs = useApp((s) => s.jobs);
  const close = useImport((s) => s.closeWizard);
  const added = useImport((s) => s.added);
  useFocusBack();
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box);
  // Modal: the keyboard is in the wizard from the start (its directory field, when it asks).
  useEffect(() => {
    if (!box.current?.contains(document.activeElement)) box.current?.focus();
  }, []);
  const [files, setFiles] = useState<WizardFile[]>(() => initialFiles(start));
  const [dest, setDest] = useState<string | undefined>(start.dest?.path);
  const [destText, setDestText] = useState(start.suggested ?? '/');
  const [step, setStep] = useState<Step>(start.dest ? 'files' : 'where');
  const [active, setActive] = useState(0);
  const [transactions, setTransactions] = useState<ImportTransactions>('one');
  const [jobIds, setJobIds] = useState<string[]>([]);
  const [error, setError] = useState<ErrorInfo>();
  /** Files dropped while the import ran, each drop with why they were not added. */
  const [refused, setRefused] = useState<{ seq: number; names: string[]; why: string }[]>([]);
  const uploads = useRef(new Map<string, Upload>());
  const sources = useRef(new Set<string>());
  const shown = useRef(false);
  /** Files whose proposal is being asked for, by key and directory. */
  const proposing = useRef(new Set<string>());

  const update = (key: string, change: Partial<WizardFile>) =>
    setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, ...change } : f)));

  // Stage every dropped file at once (uploads show their progress).
  const stage = (dropped: { key: string; file: File }[], staged: ImportSource[]) => {
    for (const { key, file } of dropped) {
      const up = stageFile(client, app, pond, file, (sent) => update(key, { sent }));
      uploads.current.set(key, up);
      up.done.then(
        (source) => {
          sources.current.add(source.id);
          update(key, { source, sent: file.size });
        },
        (e: unknown) => update(key, { error: toErrorInfo(e) }),
      );
    }
    for (const s of staged) sources.current.add(s.id);
  };
  useEffect(() => {
    stage(
      (start.files ?? []).map((file, i) => ({ key: `f${i}`, file })),
      start.sources ?? [],
    );
    return () => {
      // Closed: stop what is still uploading and let the service remove what it staged.
      for (const u of uploads.current.values()) u.abort();
      const ids = [...sources.current];
      if (ids.length > 0) void client.releaseImportSources(ids).catch(() => undefined);
    };
  }, []);

  // Each staged file gets its proposal once the directory is known.
  useEffect(() => {
    if (dest === undefined) return;
    for (const f of files) {
      const asked = `${f.key}\n${dest}`;
      if (!f.source || f.spec || f.placeError || proposing.current.has(asked)) continue;
      proposing.current.add(asked);
      const key = f.key;
      client.importProposal({ pond, source: f.source.id, dest }).then(
        (spec) => update(key, { spec }),
        (e: unknown) => update(key, { placeError: toErrorInfo(e) }),
      );
    }
  }, [dest, files]);

  const running = jobIds.some((id) => jobs[id]?.state === 'running');
  const ended =
    jobIds.length > 0 && jobIds.every((id) => jobs[id] && jobs[id]!.state !== 'running');
  const succeeded = ended && jobIds.every((id) => jobs[id]!.state === 'done');

  // Files dropped (or chosen) while the wizard is open: each its own screen, the others' edits
  // kept. Once the import has started they cannot join it: the wizard says so, naming them.
  const refuseWhy =
    step !== 'run'
      ? undefined
      : !ended
        ? 'the import is running; drop them again once it has ended'
        : 'this import has ended; drop them again after closing the wizard';
  useEffect(() => useImport.getState().setRefusal(refuseWhy), [refuseWhy]);
  useEffect(() => {
    const taken = useImport.getState().takeAdded();
    if (taken.length === 0) return;
    if (refuseWhy !== undefined) {
      refuse(taken, refuseWhy);
      return;
    }
    const more = taken.flatMap(filesOf);
    setActive(files.length);
    setFiles((fs) => [...fs, ...more]);
    stage(
      taken.flatMap((a) => a.files.map((file, i) => ({ key: `a${a.seq}-${i}`, file }))),
      taken.flatMap((a) => a.sources),
    );
  }, [added]);
  const refuse = (taken: ImportAddition[], why: string) => {
    // Chosen in a native dialog, they were staged already: the service removes them.
    const ids = taken.flatMap((a) => a.sources.map((s) => s.id));
    if (ids.length > 0) void client.releaseImportSources(ids).catch(() => undefined);
    setRefused((r) => [
      ...r,
      ...taken.map((a) => ({
        seq: a.seq,
        names: [...a.files.map((f) => f.name), ...a.sources.map((s) => s.name)],
        why,
      })),
    ]);
  };

  // Imported: the (last) new node is selected and previewed; History shows the transaction.
  useEffect(() => {
    if (!succeeded || shown.current) return;
    shown.current = true;
    const last = jobIds
      .flatMap((id) => (jobs[id]!.result as WriteJobResult<ImportedFile[]>).value)
      .at(-1);
    if (last)
      void showImported(client, pond, last.path).catch((e: unknown) => setError(toErrorInfo(e)));
  }, [succeeded]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !running) close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close, running]);

  const kept = files;
  const ready =
    kept.length > 0 &&
    kept.every(
      (f) =>
        f.spec &&
        !f.error &&
        !f.placeError &&
        f.preview?.fresh &&
        !f.preview.error &&
        (f.preview.preview?.preview.problems.length ?? 1) === 0,
    );

  const run = async () => {
    setError(undefined);
    try {
      const started = await client.importRun({
        pond,
        files: kept.map((f) => f.spec!),
        transactions: kept.length > 1 ? transactions : 'one',
      });
      for (const j of started) useApp.getState().jobChanged(j);
      setJobIds(started.map((j) => j.id));
      setStep('run');
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };

  const leaveOut = (key: string) => {
    uploads.current.get(key)?.abort();
    const f = files.find((x) => x.key === key);
    if (f?.source) {
      sources.current.delete(f.source.id);
      void client.releaseImportSources([f.source.id]).catch(() => undefined);
    }
    setFiles((fs) => fs.filter((x) => x.key !== key));
    setActive(0);
  };

  const back = () => {
    // Files a committed transaction imported are done (their uploads are gone): leave them out.
    const imported = new Set(
      jobIds
        .filter((id) => jobs[id]?.state === 'done')
        .flatMap((id) => (jobs[id]!.result as WriteJobResult<ImportedFile[]>).value)
        .map((f) => f.path),
    );
    setFiles((fs) =>
      fs.filter((f) => !f.preview?.preview || !imported.has(f.preview.preview.preview.plan.target)),
    );
    setJobIds([]);
    setRefused([]);
    shown.current = false;
    setStep('files');
  };

  const chooseDest = () => {
    const chosen = destText.trim();
    if (!chosen.startsWith('/')) return;
    if (chosen !== dest) {
      // Another directory: every file is placed again.
      setFiles((fs) =>
        fs.map((f) => ({ ...f, spec: undefined, placeError: undefined, preview: undefined })),
      );
      setDest(chosen);
    }
    setStep('files');
  };

  const current = files[Math.min(active, files.length - 1)];
  return (
    <div className="dialog-backdrop">
      <div
        ref={box}
        tabIndex={-1}
        className="dialog import-wizard"
        role="dialog"
        aria-modal="true"
        aria-label="Import"
      >
        <header className="dialog-head">
          <h2>
            Import {files.length === 1 ? files[0]!.name : `${files.length} files`}
            {dest !== undefined ? <span className="muted"> into {dest}</span> : null}
          </h2>
          <span className="spacer" />
          <button aria-label="Close the import wizard" disabled={running} onClick={close}>
            ✕
          </button>
        </header>
        <div className="dialog-body">
          <StagingList files={files} />
          {step === 'where' ? (
            <div className="wizard-step">
              <label>
                Import into the directory
                <input
                  aria-label="Directory"
                  className="mono"
                  value={destText}
                  autoFocus
                  onChange={(e) => setDestText(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') chooseDest();
                  }}
                />
              </label>
              <p className="muted">
                The files keep their names there; each screen lets you change the name, the kind and
                how the file is read.
              </p>
            </div>
          ) : null}
          {step === 'files' ? (
            <>
              {files.length > 1 ? (
                <div className="tabs" role="tablist" aria-label="Files">
                  {files.map((f, i) => (
                    <button
                      key={f.key}
                      role="tab"
                      aria-selected={f === current}
                      className={f === current ? 'tab active' : 'tab'}
                      onClick={() => setActive(i)}
                    >
                      {statusMark(f)} {f.name}
                    </button>
                  ))}
                </div>
              ) : null}
              {files.map((f) =>
                f.spec ? (
                  <FileScreen
                    key={f.key}
                    pond={pond}
                    screen={f.key}
                    name={f.name}
                    size={f.size}
                    csv={f.source?.format === 'csv'}
                    spec={f.spec}
                    hidden={f !== current}
                    onChange={(spec) => update(f.key, { spec })}
                    onPreview={(preview) => update(f.key, { preview })}
                  />
                ) : f === current && (f.error ?? f.placeError) ? (
                  <ErrorView key={f.key} {...fileError((f.error ?? f.placeError)!, f.name)} />
                ) : f === current ? (
                  <p key={f.key} className="muted">
                    {f.source ? 'Reading the file…' : 'Waiting for the file…'}
                  </p>
                ) : null,
              )}
              {current ? (
                <button className="link" onClick={() => leaveOut(current.key)}>
                  Leave {current.name} out of this import
                </button>
              ) : null}
            </>
          ) : null}
          {step === 'run' ? <RunView jobIds={jobIds} /> : null}
          {refused.map((r) => (
            <div key={r.seq} className="import-refused" role="alert">
              Not added to this import: <span className="mono">{r.names.join(', ')}</span>: {r.why}.
            </div>
          ))}
          {error ? <ErrorView error={error} title="The import cannot run" /> : null}
        </div>
        <footer className="dialog-foot">
          {step !== 'run' ? <button onClick={close}>Cancel</button> : null}
          {step === 'where' ? (
            <button className="primary" disabled={!destText.startsWith('/')} onClick={chooseDest}>
              Next
            </button>
          ) : null}
          {step === 'files' ? (
            <>
              {files.length > 1 ? (
                <fieldset className="import-transactions" aria-label="Transactions">
                  <label className="inline">
                    <input
                      type="radio"
                      name="transactions"
                      checked={transactions === 'one'}
                      onChange={() => setTransactions('one')}
                    />
                    One transaction for all files
                  </label>
                  <label className="inline">
                    <input
                      type="radio"
                      name="transactions"
                      checked={transactions === 'each'}
                      onChange={() => setTransactions('each')}
                    />
                    One per file
                  </label>
                </fieldset>
              ) : null}
              {start.dest === undefined ? (
                <button onClick={() => setStep('where')}>Back</button>
              ) : null}
              <button className="primary" disabled={!ready} onClick={() => void run()}>
                Import {files.length === 1 ? '' : `${files.length} files`}
              </button>
            </>
          ) : null}
          {step === 'run' && ended ? (
            succeeded ? (
              <button className="primary" onClick={close}>
                Done
              </button>
            ) : (
              <button onClick={back}>Back</button>
            )
          ) : null}
        </footer>
      </div>
    </div>
  );
}

function initialFiles(start: ImportStart): WizardFile[] {
  const dropped = (start.files ?? []).map((f, i) => ({
    key: `f${i}`,
    name: f.name,
    size: f.size,
    sent: 0,
  }));
  return [...dropped, ...chosenFiles(start.sources ?? [])];
}

/** The screens of files added to an open wizard (keys apart from the first ones'). */
function filesOf(a: ImportAddition): WizardFile[] {
  const dropped = a.files.map((f, i) => ({
    key: `a${a.seq}-${i}`,
    name: f.name,
    size: f.size,
    sent: 0,
  }));
  return [...dropped, ...chosenFiles(a.sources)];
}

function chosenFiles(sources: ImportSource[]): WizardFile[] {
  return sources.map((s) => ({
    key: `s-${s.id}`,
    name: s.name,
    size: s.size,
    sent: s.size,
    source: s,
  }));
}

function statusMark(f: WizardFile): string {
  if (f.error || f.placeError || f.preview?.error) return '⚠';
  if (!f.preview?.fresh) return '…';
  return (f.preview.preview?.preview.problems.length ?? 0) > 0 ? '⚠' : '✓';
}

/** The files still on their way to the pond's owner, with their progress. */
function StagingList({ files }: { files: WizardFile[] }) {
  const moving = files.filter((f) => !f.source && !f.error);
  if (moving.length === 0) return null;
  return (
    <ul className="import-staging" aria-label="Uploads">
      {moving.map((f) => (
        <li key={f.key}>
          <span className="mono">{f.name}</span>{' '}
          <progress aria-label={`Upload of ${f.name}`} max={f.size || 1} value={f.sent} />{' '}
          <span className="muted">
            {formatBytes(f.sent)} of {formatBytes(f.size)}
          </span>
        </li>
      ))}
    </ul>
  );
}
