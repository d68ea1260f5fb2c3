import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { indentUnit } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { ConfigKeyInfo, ConfigProblem } from '../../../shared/api';
import { problemMarks, setProblems } from './problem-marks';
import { codeHighlighting } from '../common/code-highlight';
import { configCompletion } from './yaml-completion';
import { yamlLanguage } from './yaml-language';

interface Props {
  /** The text when the editor is made (the parent remounts it to load another config). */
  initial: string;
  /** The factory's keys, for completion. */
  keys: ConfigKeyInfo[];
  /** The engine's problems with `text`, the config they are about. */
  checked: { problems: ConfigProblem[]; text: string } | undefined;
  onChange(text: string): void;
  /** Where the cursor goes when a problem is chosen in the list. */
  jumpTo?: { from: number; seq: number };
}

/** CodeMirror for a factory's YAML config: highlighting, key completion, the engine's errors. */
export function YamlEditor({ initial, keys, checked, onChange, jumpTo }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const latest = useRef({ keys, onChange });
  latest.current = { keys, onChange };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          history(),
          keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
          lineNumbers(),
          drawSelection(),
          highlightActiveLine(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          codeHighlighting,
          yamlLanguage,
          autocompletion({ override: [configCompletion(() => latest.current.keys)] }),
          problemMarks,
          EditorView.contentAttributes.of({ 'aria-label': 'Factory config (YAML)' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // Made once per key.
  }, []);

  useEffect(() => {
    if (checked) view.current?.dispatch({ effects: setProblems.of(checked) });
  }, [checked]);

  useEffect(() => {
    const v = view.current;
    if (!v || !jumpTo) return;
    const at = Math.min(jumpTo.from, v.state.doc.length);
    v.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    v.focus();
  }, [jumpTo]);

  return <div className="yaml-editor" ref={host} />;
}
