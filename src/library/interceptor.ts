import type { AxiosError, AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import { buildSpec } from '../request/build.js';
import { basicSecrets, urlSecrets } from '../shared/secrets.js';
import { classifyNetworkError } from '../http/errors.js';
import { evaluate, type PreflightOptions } from '../preflight.js';
import { resolveEndpoint } from '../catalog/resolve.js';
import { validateParams } from '../catalog/validate.js';
import type { Exchange, HttpMethod, Report, ReportFormat, RequestSpec } from '../types.js';

export interface AttachOptions {
  /** Write the report files here (JSON and Markdown by default). */
  reportsDir?: string;
  formats?: ReportFormat[];
  /** Receive the report, and the paths of the files written (empty without reportsDir). */
  onReport?: (report: Report, paths: Partial<Record<ReportFormat, string>>) => void | Promise<void>;
  /** Options passed to the checks, e.g. { rate: '5/s' }. */
  checks?: Pick<PreflightOptions, 'rate'>;
}

export interface PreflightAttachment {
  report: Report;
  paths: Partial<Record<ReportFormat, string>>;
}

/** An error (axios or fetch) that carries the preflight report of the call that failed. */
export type PreflightError = Error & { preflightReport: PreflightAttachment };

/**
 * Tells a failed call's error apart in a `catch (err: unknown)`: true when attachPreflight or wrapFetch gave it a
 * report. `if (hasPreflightReport(err)) console.error(err.preflightReport.report.summary)`.
 */
export function hasPreflightReport(error: unknown): error is PreflightError {
  if (!(error instanceof Error)) return false;
  const attachment = (error as { preflightReport?: unknown }).preflightReport;
  return typeof attachment === 'object' && attachment !== null && 'report' in attachment && 'paths' in attachment;
}

const STARTED = Symbol('mashvisor-preflight.started');
type TimedConfig = InternalAxiosRequestConfig & { [STARTED]?: number };

/**
 * The URL axios really sent: its own getUri joins baseURL (path included) and url, and serialises params of any
 * shape (objects, arrays, URLSearchParams, a custom paramsSerializer) exactly as the request did.
 */
function sentUrl(instance: AxiosInstance, config: InternalAxiosRequestConfig): URL | null {
  try {
    const uri = instance.getUri(config);
    return new URL(uri);
  } catch {
    return null;
  }
}

function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const source = headers && typeof (headers as { toJSON?: () => unknown }).toJSON === 'function'
    ? (headers as { toJSON: () => Record<string, unknown> }).toJSON()
    : (headers as Record<string, unknown> | undefined) ?? {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value !== null && typeof value !== 'object') out[name] = String(value);
  }
  return out;
}

function bodyText(data: unknown): string {
  if (data === undefined || data === null) return '';
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return JSON.stringify(data);
}

/** The exchange exactly as the app saw it: no request is repeated to build the report. */
function exchangeFrom(error: AxiosError, url: URL, headers: Record<string, string>): Exchange {
  const config = error.config as TimedConfig;
  const started = config[STARTED];
  const total = started ? Math.round((performance.now() - started) * 10) / 10 : 0;
  const res = error.response;
  const text = res ? bodyText(res.data) : '';
  return {
    startedAt: new Date(Date.now() - total).toISOString(),
    request: { method: (config.method ?? 'get').toUpperCase() as HttpMethod, url: url.href, headers, body: config.data ? bodyText(config.data) : null },
    response: res
      ? { status: res.status, statusText: res.statusText ?? '', httpVersion: '1.1', headers: plainHeaders(res.headers), body: text.slice(0, 1024 * 1024),
          bodyBytes: Buffer.byteLength(text), truncated: text.length > 1024 * 1024 }
      : null,
    timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total },
    error: res ? null : classifyNetworkError(error, error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'),
    redirect: null,
  };
}

/** A call the app made (URL, headers, body) as a spec, or null when it is not a Mashvisor operation. Shared with wrapFetch. */
export function specFromCall(url: URL, headers: Record<string, string>, data: unknown, origin = 'interceptor', secrets: string[] = []): RequestSpec | null {
  try {
    resolveEndpoint(url.href);
  } catch {
    return null; // not a Mashvisor operation: leave the error alone
  }
  return buildSpec({ origin, endpoint: url.href, body: data ?? undefined, inputHeaders: headers, secrets });
}

/**
 * The version of the axios that made the call. The app's own axios names itself in the User-Agent it sent, unless
 * the app set another; then the instance (the default export carries VERSION), else the axios installed beside us.
 */
async function axiosVersionOf(error: AxiosError, instance: AxiosInstance): Promise<string> {
  const agent = (error.request as { getHeader?: (name: string) => unknown } | undefined)?.getHeader?.('user-agent');
  const named = typeof agent === 'string' ? /^axios\/(\S+)$/.exec(agent)?.[1] : undefined;
  if (named) return named;
  const own = (instance as unknown as { VERSION?: unknown }).VERSION;
  if (typeof own === 'string') return own;
  return (await import('axios')).default.VERSION;
}

async function reportFor(error: AxiosError, instance: AxiosInstance, options: AttachOptions): Promise<PreflightAttachment | null> {
  const config = error.config;
  if (!config) return null;
  const url = sentUrl(instance, config);
  if (!url) return null;
  const headers = plainHeaders(config.headers);
  // axios sends `auth` as Basic credentials without putting them in config.headers: secrets all the same. So is
  // every key-like parameter or userinfo of the URL sent, whatever shape the params were given in.
  const auth = config.auth;
  const secrets = [...(auth ? basicSecrets(String(auth.username ?? ''), String(auth.password ?? '')) : []), ...urlSecrets(url.href)];
  const spec = specFromCall(url, headers, config.data, 'interceptor', secrets);
  if (!spec) return null;
  return reportFromExchange(spec, exchangeFrom(error, url, headers), config.timeout ?? 0, options, await axiosVersionOf(error, instance));
}

/** The checks run on an exchange the app already made (no request is sent), the report written and handed over. */
export async function reportFromExchange(spec: RequestSpec, exchange: Exchange, timeoutMs: number, options: AttachOptions, axiosVersion?: string): Promise<PreflightAttachment> {
  const validation = await validateParams(spec.operation, spec.params, spec);
  const { headers, body, method, url } = exchange.request;
  const request = { method, url, headers, body, timeoutMs };
  const report = evaluate({ spec, validation, exchange, requestsSent: 1, request, ...(axiosVersion ? { axiosVersion } : {}) }, options.checks ?? {});
  let paths: PreflightAttachment['paths'] = {};
  if (options.reportsDir) {
    const { writeReportFiles } = await import('../report/files.js');
    paths = await writeReportFiles(report, options.reportsDir, options.formats ?? ['json', 'md']);
  }
  await options.onReport?.(report, paths);
  return { report, paths };
}

/**
 * Watches an axios instance: when a Mashvisor call through it fails (4xx, 5xx, network), builds the preflight report
 * from that very exchange, writes it (or hands it to onReport) before the call's promise rejects, and sets
 * error.preflightReport. Returns a function that detaches it.
 */
export function attachPreflight(instance: AxiosInstance, options: AttachOptions = {}): () => void {
  const requestId = instance.interceptors.request.use((config: TimedConfig) => {
    config[STARTED] = performance.now();
    return config;
  });
  const responseId = instance.interceptors.response.use(undefined, async (error: AxiosError & { preflightReport?: PreflightAttachment }) => {
    try {
      const attachment = await reportFor(error, instance, options);
      if (attachment) error.preflightReport = attachment;
    } catch (reportError) {
      // A report that cannot be written must not hide the app's own error.
      (error as { preflightError?: unknown }).preflightError = reportError;
    }
    return Promise.reject(error);
  });
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
