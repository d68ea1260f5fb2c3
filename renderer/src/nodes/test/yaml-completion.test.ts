import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import type { ConfigKeyInfo } from '../../../../shared/api';
import { configCompletion } from '../yaml-completion';

/**
 * Completion of a factory config in the node editor: which keys fit where the cursor is, and
 * which values a key takes. The keys are temporal-reduce's, as the service lists them.
 */
const key = (name: string, more: Partial<ConfigKeyInfo> = {}): ConfigKeyInfo => ({
  name,
  type: 'string',
  required: false,
  doc: name,
  ...more,
});
const keys: ConfigKeyInfo[] = [
  key('in_pattern', { required: true }),
  key('out_pattern', { required: true }),
  key('time_column'),
  key('resolutions', { required: true }),
  key('aggregations', {
    required: true,
    keys: [key('type', { values: ['avg', 'min', 'max', 'count', 'sum'] }), key('columns')],
  }),
  key('transforms'),
];
const complete = configCompletion(() => keys);

/** The options at `|` in the text. */
function at(text: string, explicit = false): string[] | undefined {
  const pos = text.indexOf('|');
  const state = EditorState.create({ doc: text.replace('|', '') });
  const r = complete(new CompletionContext(state, pos, explicit));
  return r ? r.options.map((o) => o.label) : undefined;
}

describe('config completion', () => {
  it('top-level keys not yet written, as the word is typed', () => {
    expect(at('in_pattern: x\nres|')).toEqual([
      'out_pattern',
      'time_column',
      'resolutions',
      'aggregations',
      'transforms',
    ]);
    // An empty line opens the list only when asked (Ctrl+Space).
    expect(at('in_pattern: x\n|')).toBeUndefined();
    expect(at('in_pattern: x\n|', true)).toHaveLength(5);
  });

  it('the keys of a list item, without the ones it has', () => {
    expect(at('aggregations:\n  - type: avg\n    c|')).toEqual(['columns']);
    expect(at('aggregations:\n  - ty|')).toEqual(['type', 'columns']);
    expect(at('aggregations:\n  - type: avg\n    columns: [x]\n  - c|')).toEqual([
      'type',
      'columns',
    ]);
  });

  it('the values of a key that takes few, in block and flow style', () => {
    expect(at('aggregations:\n  - type: |')).toEqual(['avg', 'min', 'max', 'count', 'sum']);
    expect(at('aggregations:\n  - { type: m|')).toEqual(['avg', 'min', 'max', 'count', 'sum']);
    expect(at('out_pattern: |')).toBeUndefined();
  });
});
