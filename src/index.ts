// The library entry: `import { runPreflight, attachPreflight, wrapFetch } from 'mashvisor-preflight'`.
export { validateRequest, runPreflight, toSpec, type PreflightRequest } from './library/run.js';
export { attachPreflight, hasPreflightReport, type AttachOptions, type PreflightAttachment, type PreflightError } from './library/interceptor.js';
export { wrapFetch, type FetchLike, type WrapFetchOptions, type PreflightFetchError } from './library/fetch.js';
export { compareReports, type ReportDiff, type Change, type Snapshot } from './report/diff.js';
export { writeReport, writeReportFiles, renderFormat, ReportWriteError } from './report/files.js';
export { renderMarkdown } from './report/markdown.js';
export { renderHtml } from './report/html.js';
export { renderHar } from './report/har.js';
export { renderJunit } from './report/junit.js';
export { renderJson } from './report/json.js';
export { resolveEndpoint, DIRECT_BASE_URL, RAPIDAPI_BASE_URL } from './catalog/resolve.js';
export { loadCatalog } from './catalog/catalog.js';
export { UsageError } from './shared/errors.js';
export { CAUSES, causeOf, nextStep, userCanFix, type Cause, type CauseInfo, type NextStep } from './checks/causes.js';
export type { PreflightOptions } from './preflight.js';
export type * from './types.js';
