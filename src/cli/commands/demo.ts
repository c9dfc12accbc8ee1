import { createServer } from 'node:net';
import { join } from 'node:path';
import { print, printError, scrubFile } from '../output.js';
import { runPreflight, type PreflightOptions } from '../../preflight.js';
import { buildSpec } from '../../request/build.js';
import { startSandbox, SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY, SCENARIO_HEADER } from '../../sandbox/server.js';
import { saveReport } from '../../report/save.js';
import { headline } from '../../report/json.js';
import type { Mode, Report, Verdict } from '../../types.js';

interface DemoCase {
  name: string;
  endpoint: string;
  params: string[];
  key: string;
  expect: Verdict;
  mode?: Mode;
  scenario?: string;
  sendAnyway?: boolean;
  /** Point at a closed port instead of the simulator. */
  unreachable?: boolean;
}

const CASES: DemoCase[] = [
  { name: 'pass', endpoint: 'getRentalRates', params: ['state=CA', 'source=airbnb'], key: SANDBOX_KEY, expect: 'pass' },
  { name: 'wrong key', endpoint: 'getRentalRates', params: ['state=CA', 'source=airbnb'], key: 'wrong-key-0123456789', expect: 'client-error' },
  { name: 'missing state (caught offline)', endpoint: 'getRentalRates', params: ['source=airbnb'], key: SANDBOX_KEY, expect: 'client-error' },
  { name: 'missing state (sent anyway)', endpoint: 'getRentalRates', params: ['source=airbnb'], key: SANDBOX_KEY, expect: 'client-error', sendAnyway: true },
  { name: 'rate limited', endpoint: 'listCities', params: ['state=TX'], key: SANDBOX_KEY, expect: 'client-error', scenario: 'rate-limited' },
  { name: 'maintenance', endpoint: 'listCityProperties', params: ['state=TX', 'city=Austin'], key: SANDBOX_KEY, expect: 'server-error', scenario: 'maintenance' },
  { name: 'RapidAPI quota low', endpoint: 'getRentalRates', params: ['state=CA', 'source=traditional'], key: SANDBOX_RAPIDAPI_KEY, expect: 'pass', mode: 'rapidapi', scenario: 'quota-low' },
  { name: 'API unreachable', endpoint: 'getRentalRates', params: ['state=CA', 'source=airbnb'], key: SANDBOX_KEY, expect: 'network-error', unreachable: true },
];

/** A port that nothing listens on: bind one, then let it go. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function runCase(c: DemoCase, urls: { direct: string; rapidapi: string; closed: string }, reportsDir: string) {
  const mode = c.mode ?? 'direct';
  const baseUrl = c.unreachable ? urls.closed : mode === 'rapidapi' ? urls.rapidapi : urls.direct;
  const options: PreflightOptions = { timeoutMs: 5000, sendAnyway: c.sendAnyway, headers: c.scenario ? { [SCENARIO_HEADER]: c.scenario } : {} };
  const started = performance.now();
  const spec = buildSpec({
    origin: `demo: ${c.name}`, endpoint: c.endpoint, paramFlags: c.params ?? [], baseUrl, rapidapi: mode === 'rapidapi',
    ...(c.key !== undefined ? { key: { key: c.key, keySource: 'option' as const } } : {}),
  });
  const report = await runPreflight(spec, options);
  // Warnings are held back: eight cases that cannot save would say the same thing eight times, and save.ts's
  // "the Markdown report follows" is not true here (the demo shows a table, not the reports).
  const warnings: string[] = [];
  const saved = await saveReport(report, { reportsDir }, Math.round(performance.now() - started), { scrub: scrubFile, warn: (line) => warnings.push(line) });
  const unsaved = saved.unsaved === null ? null : `mashvisor-preflight: ${saved.unsaved}`;
  return { report, path: saved.paths.md ?? null, warnings: unsaved === null ? warnings : [], unsaved };
}

/** Each distinct warning once; a directory that could not be written is said once, with why. */
function sayWarnings(rows: Array<{ warnings: string[]; unsaved: string | null }>): void {
  const lines = new Set(rows.flatMap((r) => r.warnings));
  for (const line of new Set(rows.map((r) => r.unsaved).filter((u): u is string => u !== null))) lines.add(`${line} — the demo's reports were not saved`);
  for (const line of lines) printError(line);
}

export async function run(args: { reportsDir: string; json?: boolean }): Promise<number> {
  const reportsDir = join(args.reportsDir, 'demo');
  const sandbox = await startSandbox({ port: 0 });
  const urls = { direct: sandbox.directBaseUrl, rapidapi: sandbox.rapidapiBaseUrl, closed: `http://127.0.0.1:${await closedPort()}/v1.1` };
  const rows: Array<{ c: DemoCase; report: Report; path: string | null; warnings: string[]; unsaved: string | null }> = [];
  try {
    for (const c of CASES) rows.push({ c, ...(await runCase(c, urls, reportsDir)) });
  } finally {
    await sandbox.close();
  }
  sayWarnings(rows);
  // Saving is best effort, as for check (whose exit code stays its verdict's): the exit code says whether every
  // case gave the verdict it should, and stderr says the reports were not saved.
  const asExpected = rows.every((r) => r.report.verdict === r.c.expect);
  const example = rows.find((r) => r.c.name === 'maintenance')?.path ?? rows.find((r) => r.path !== null)?.path;
  if (args.json) {
    print(JSON.stringify(rows.map((r) => ({ case: r.c.name, verdict: r.report.verdict, exitCode: r.report.exitCode, requestsSent: r.report.requestsSent, report: r.path })), null, 2));
    return asExpected ? 0 : 1;
  }
  const { drawTable, wrapText } = await import('../table.js');
  const table = drawTable(['Case', 'Verdict', 'Exit', 'Sent', 'What the check found'],
    rows.map((r) => [r.c.name, r.report.verdict, String(r.report.exitCode), String(r.report.requestsSent), headline(r.report)]), { keepWhole: [1, 2, 3] });
  print([
    wrapText(`mashvisor-preflight demo — ${rows.length} checks against the built-in simulator (no key, no network)`),
    table,
    ...(example ? [wrapText(`Reports (Markdown + JSON each) are in ${reportsDir}/ — open one, e.g. ${example}`, undefined, '  ')] : []),
    // Broken with a shell line continuation: pasted back, it is still one command (a plain wrap would not be).
    'Run a real check:\n  MASHVISOR_API_KEY=... npx mashvisor-preflight check getRentalRates \\\n      -p state=CA -p source=airbnb',
  ].join('\n'));
  return asExpected ? 0 : 1;
}
