// Compiled (never run) by test/types.test.js: the library's public types as an app written in TypeScript sees them.
import axios from 'axios';
import {
  attachPreflight,
  runPreflight,
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
