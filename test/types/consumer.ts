// Compiled (never run) by test/types.test.js: the library's public types as an app written in TypeScript sees them.
import axios from 'axios';
import {
  attachPreflight,
  compareReports,
  runPreflight,
  wrapFetch,
  type PreflightFetchError,
  type ReportDiff,
  validateRequest,
  writeReport,
  type PreflightAttachment,
  type Report,
  type ValidationResult,
  type Verdict,
} from 'mashvisor-preflight';

export async function example(): Promise<Verdict> {
  const checked: ValidationResult = await validateRequest({ endpoint: 'getRentalRates', params: { state: 'CA' } });
  if (!checked.valid) console.log(checked.errors.map((e) => `${e.param}: ${e.message}`));
  const report: Report = await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: 'k' }, { timeoutMs: 5000 });
  const paths = await writeReport(report, './reports', ['json', 'md', 'html']);
  console.log(paths.md, report.rateLimit?.remaining, report.response?.status);
  const api = axios.create({ baseURL: 'https://api.mashvisor.com/v1.1' });
  const detach: () => void = attachPreflight(api, { reportsDir: './reports', onReport: (r: Report) => console.log(r.verdict) });
  try {
    await api.get('/client/city/list', { params: { state: 'TX' } });
  } catch (err) {
    const attached = (err as { preflightReport?: PreflightAttachment }).preflightReport;
    console.log(attached?.report.summary, attached?.paths.json);
  }
  detach();
  return report.verdict;
}

// wrapFetch keeps fetch's own type: the wrapped function drops in wherever fetch was used.
export async function fetchExample(): Promise<number> {
  const seen: Report[] = [];
  const fetchWithReports: typeof fetch = wrapFetch(fetch, { reportsDir: './reports', onReport: (r: Report) => void seen.push(r), onError: (e: unknown) => console.error(e) });
  try {
    const res: Response = await fetchWithReports('https://api.mashvisor.com/v1.1/client/city/list?state=TX', { headers: { 'x-api-key': 'k' } });
    const body: unknown = await res.json();
    console.log(body, seen[0]?.verdict);
    return res.status;
  } catch (err) {
    console.log((err as PreflightFetchError).preflightReport?.report.error?.kind);
    return 0;
  }
}

export function diffExample(before: Report, after: Report): string {
  const diff: ReportDiff = compareReports(before, after);
  return `${diff.headline} ${diff.changes.filter((c) => c.changed).length}`;
}
