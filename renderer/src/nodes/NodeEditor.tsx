import { useMemo, useState } from 'react';
import './node-editor.css';
import type { DraftNode, FactoryInfo, SavedNode, WriteJobResult } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { Dialog } from '../edit/Dialog';
import { useEdit, type EditDialog } from '../edit/edit-store';
import { selectPath } from '../edit/edits';
import { childPath, parentOf } from '../edit/paths';
import { treeExpand } from '../edit/tree-link';
import { untilJobEnds } from '../edit/write-job';
import { useClient } from '../state/app-store';
import { FactoryPicker } from './FactoryPicker';
import { NodePreview } from './NodePreview';
import { ProblemList } from './ProblemList';
import { useNodeCheck } from './use-node-check';
import { YamlEditor } from './YamlEditor';

type Start = Extract<EditDialog, { kind: 'new-node' | 'edit-node' }>;

/** What a new node of a factory is called at first. */
function suggestedName(f: FactoryInfo): string {
  const base = f.name.replace(/^sql-derived-|^timeseries-/, '');
  return f.makes === 'series' || f.makes === 'table' ? `${base}.${f.makes}` : base;
}

/**
 * New derived node… and Edit derived node…: choose a factory (the engine's registry, each with
 * what it makes), edit its YAML with completion of its keys and the engine's errors and warnings
 * in place as you type (mknod's own checks, so the CLI says the same), see the rows and chart of
 * what it makes before anything is written, then Create (or Save: the config's new version) in
 * one transaction.
 */
export function NodeEditor({
  pond,
  start,
  onClose,
}: {
  pond: string;
  start: Start;
  onClose(): void;
}) {
  const client = useClient();
  const factories = useAsync(() => client.factories(), [client]);
  const existing = useAsync(
    () =>
      start.kind === 'edit-node'
        ? client.details({ pond, path: start.path })
        : Promise.resolve(undefined),
    [client, pond, start],
  );
  const editing = start.kind === 'edit-node';
  const [factory, setFactory] = useState<string>();
  const [path, setPath] = useState(editing ? start.path : '');
  const [config, setConfig] = useState('');
  // The editor is made again when another factory's example is loaded.
  const [editorKey, setEditorKey] = useState(0);
  const [jump, setJump] = useState<{ from: number; seq: number }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorInfo>();

  // Editing: the node's factory and config, once read.
  const loaded = existing.state === 'done' ? existing.value : undefined;
  if (editing && loaded && factory === undefined && loaded.factory) {
    setFactory(loaded.factory);
    setConfig(loaded.config ?? '');
    setEditorKey((k) => k + 1);
  }

  const list = factories.state === 'done' ? factories.value : [];
  const info = list.find((f) => f.name === factory);
  const draft = useMemo<DraftNode | undefined>(
    () =>
      factory && path.trim() !== ''
        ? { factory, path: path.trim(), config, overwrite: editing }
        : undefined,
    [factory, path, config, editing],
  );
  const check = useNodeCheck(pond, draft);
  const current = check.state !== 'idle' && JSON.stringify(check.draft) === JSON.stringify(draft);
  const ready = current && check.state === 'done' && check.check.ok;

  const choose = (f: FactoryInfo) => {
    setFactory(f.name);
    setConfig(f.example);
    setEditorKey((k) => k + 1);
    if (!editing && (path.trim() === '' || path === suggestedPathOf(start, list, factory)))
      setPath(childPath(start.kind === 'new-node' ? start.dir : '/', suggestedName(f)));
  };

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    setError(undefined);
    try {
      const end = await untilJobEnds(await client.saveNode({ pond, draft }), { undoable: true });
      if (end.state !== 'done') {
        setError(end.error ?? { code: 'CANCELLED', message: 'cancelled: nothing was written' });
        return;
      }
      const r = end.result as WriteJobResult<SavedNode>;
      const what =
        r.value.result === 'created'
          ? 'Made'
          : r.value.result === 'updated'
            ? 'Saved the config of'
            : 'No change to';
      useEdit.getState().setNotice({
        kind: 'done',
        text: `${what} ${r.value.path} [${draft.factory}]${r.txn === undefined ? '' : ` (transaction ${r.txn})`}${r.value.warnings.length ? `: ${r.value.warnings.join('; ')}` : ''}`,
      });
      useEdit.getState().touched([r.value.path]);
      treeExpand(parentOf(r.value.path));
      await selectPath(r.value.path);
      onClose();
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setSaving(false);
    }
  };

  const problems = check.state === 'done' ? check.check.problems : [];
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <Dialog
      title={editing ? `Edit derived node ${start.path}` : 'New derived node'}
      onClose={onClose}
      busy={saving}
      className="node-editor"
      footer={
        <>
          <span className="check-state muted" data-testid="check-state" aria-live="polite">
            {!draft
              ? 'Choose a factory and a path'
              : !current || check.state === 'checking'
                ? 'Checking…'
                : check.state === 'failed'
                  ? 'The check failed'
                  : errors > 0
                    ? `${errors} error${errors > 1 ? 's' : ''}: fix ${errors > 1 ? 'them' : 'it'} to ${editing ? 'save' : 'create'}`
                    : `Ready${problems.length ? ` (${problems.length} warning${problems.length > 1 ? 's' : ''})` : ''}`}
          </span>
          <button onClick={onClose} disabled={saving}>
            Cancel
          </button>
          <button className="primary" disabled={!ready || saving} onClick={() => void save()}>
            {editing ? 'Save' : 'Create'}
          </button>
        </>
      }
    >
      {factories.state === 'failed' ? (
        <ErrorView error={factories.error} title="Cannot list the factories" />
      ) : null}
      {existing.state === 'failed' ? (
        <ErrorView
          error={existing.error}
          title={`Cannot read ${start.kind === 'edit-node' ? start.path : ''}`}
        />
      ) : null}
      <div className="node-editor-grid">
        <section className="node-config">
          {!editing ? <FactoryPicker factories={list} chosen={factory} onChoose={choose} /> : null}
          {info ? (
            <>
              <label className="field">
                Path of the{' '}
                {info.makes === 'directory' ? 'derived folder' : `derived ${info.makes}`}
                <input
                  aria-label="Node path"
                  className="mono"
                  value={path}
                  readOnly={editing}
                  onChange={(e) => setPath(e.target.value)}
                />
              </label>
              <YamlEditor
                key={editorKey}
                initial={config}
                keys={info.keys}
                checked={
                  check.state === 'done' ? { problems, text: check.draft.config } : undefined
                }
                onChange={setConfig}
                {...(jump ? { jumpTo: jump } : {})}
              />
              {check.state === 'failed' ? (
                <ErrorView error={check.error} title="Cannot check the config" />
              ) : null}
              {check.state === 'done' ? (
                <ProblemList
                  problems={problems}
                  text={check.draft.config}
                  onJump={(from) => setJump((j) => ({ from, seq: (j?.seq ?? 0) + 1 }))}
                />
              ) : null}
              <details className="key-help">
                <summary>Keys of {info.name} (Ctrl+Space completes them)</summary>
                <KeyHelp keys={info.keys} />
              </details>
            </>
          ) : null}
          {error ? (
            <ErrorView error={error} title={editing ? 'Cannot save' : 'Cannot create'} />
          ) : null}
        </section>
        <section className="node-preview-pane" aria-label="Preview">
          <h3>Preview</h3>
          {check.state === 'done' && check.check.ok ? (
            <NodePreview pond={pond} draft={check.draft} check={check.check} />
          ) : (
            <p className="muted">
              {draft
                ? 'The preview shows once the config has no errors.'
                : 'Nothing to preview yet.'}
            </p>
          )}
        </section>
      </div>
    </Dialog>
  );
}

function suggestedPathOf(start: Start, list: FactoryInfo[], factory: string | undefined): string {
  const f = list.find((x) => x.name === factory);
  return f && start.kind === 'new-node' ? childPath(start.dir, suggestedName(f)) : '';
}

function KeyHelp({ keys }: { keys: FactoryInfo['keys'] }) {
  return (
    <ul className="key-list">
      {keys.map((k) => (
        <li key={k.name}>
          <span className="mono">{k.name}</span>{' '}
          <span className="muted">
            {k.type}
            {k.required ? ', required' : ''}
          </span>
          : {k.doc}
          {k.values ? <span className="muted"> ({k.values.join(', ')})</span> : null}
          {k.keys ? <KeyHelp keys={k.keys} /> : null}
        </li>
      ))}
    </ul>
  );
}
