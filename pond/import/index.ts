export { copyIn, type CopyInOptions } from './copy-in.js';
export {
  APPLY_KEYS,
  COPY_FLAGS,
  WIZARD_FIELDS,
  type ImportAdvice,
  type ImportChoice,
} from './import-advice.js';
export { parseColumnSpec, overridesFromSpec } from './overrides.js';
export { labelOf } from './label.js';
export { planImport, type ImportRequest } from './plan.js';
export { PREVIEW_ROWS, previewAndStage, previewImport } from './preview.js';
export { placeImport, prepareImport, runImport, type PreparedImport } from './run.js';
