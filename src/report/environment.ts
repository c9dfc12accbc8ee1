// What a support engineer asks first: which Node, which OS, which proxy, what time it was.
import { readlinkSync } from 'node:fs';
import { release } from 'node:os';
import type { Environment } from '../types.js';

const PROXY_VARIABLES: ReadonlySet<string> = new Set(['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy']);

/** Names of the proxy variables that are set; their values may hold credentials, so they are never reported. */
export function proxyVariableNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env)
    .filter((name) => PROXY_VARIABLES.has(name.toLowerCase()) && (env[name] ?? '') !== '')
    .sort();
}

/** "Europe/Berlin (UTC+01:00)". The name comes from TZ or /etc/localtime when it can: asking Intl starts ICU, which is slow. */
export function timezone(env: NodeJS.ProcessEnv = process.env, now = new Date()): string {
  const minutes = -now.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const offset = `UTC${sign}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
  return `${zoneName(env)} (${offset})`;
}

function zoneName(env: NodeJS.ProcessEnv): string {
  if (env.TZ) return env.TZ.replace(/^:/, '');
  try {
    const zone = /zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
    if (zone) return zone;
  } catch { /* not a link, or not this OS */ }
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'unknown';
  } catch {
    return 'unknown';
  }
}

export function collectEnvironment(
  toolVersion: string,
  axiosVersion: string,
  options: { env?: NodeJS.ProcessEnv; now?: Date } = {},
): Environment {
  return {
    tool: `mashvisor-preflight ${toolVersion}`,
    node: process.version,
    os: `${process.platform} ${release()}`,
    arch: process.arch,
    axios: axiosVersion,
    proxyVariables: proxyVariableNames(options.env ?? process.env),
    timeUtc: (options.now ?? new Date()).toISOString(),
    timezone: timezone(options.env ?? process.env, options.now ?? new Date()),
  };
}
