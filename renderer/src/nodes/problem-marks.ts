import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import type { ConfigProblem } from '../../../shared/api';

/** The engine's problems for the text as it was checked, placed in the editor. */
export const setProblems = StateEffect.define<{ problems: ConfigProblem[]; text: string }>();

/**
 * Errors and warnings of the config underlined where the engine placed them, with the message
 * on hover. A check answers for the text it was given: when the text has changed since, its
 * marks are not applied (the next check's are); marks move with edits in between.
 */
export const problemMarks: Extension = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let out = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setProblems)) continue;
      if (e.value.text !== tr.state.doc.toString()) continue;
      const length = tr.state.doc.length;
      const ranges = e.value.problems
        .filter((p) => p.from !== undefined && p.to !== undefined)
        .map((p) => {
          const from = Math.min(p.from!, length);
          const to = Math.min(Math.max(p.to!, from + 1), length);
          return Decoration.mark({
            class: `cm-problem cm-problem-${p.severity}`,
            attributes: { title: p.message, 'data-severity': p.severity },
          }).range(from, Math.max(to, from));
        })
        .filter((r) => r.to > r.from)
        .sort((a, b) => a.from - b.from);
      out = Decoration.set(ranges, true);
    }
    return out;
  },
  provide: (f) => EditorView.decorations.from(f),
});
