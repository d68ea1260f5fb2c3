export { copyIn, type CopyInOptions } from './copy-in.js';
export { parseColumnSpec, overridesFromSpec } from './overrides.js';
export { labelOf, planImport, type ImportRequest } from './plan.js';
export { PREVIEW_ROWS, previewAndStage, previewImport } from './preview.js';
export { placeImport, prepareImport, runImport, type PreparedImport } from './run.js';
