// What a support engineer asks first: which Node, which OS, which proxy, what time it was.
import { arch, platform, release } from 'node:os';
import type { Environment } from '../types.js';

const PROXY_VARIABLES: ReadonlySet<string> = new Set(['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy']);

/** Names of the proxy variables that are set; their values may hold credentials, so they are never reported. */
export function proxyVariableNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env)
    .filter((name) => PROXY_VARIABLES.has(name.toLowerCase()) && (env[name] ?? '') !== '')
    .sort();
}

function timezone(): string {
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
    os: `${platform()} ${release()}`,
    arch: arch(),
    axios: axiosVersion,
    proxyVariables: proxyVariableNames(options.env ?? process.env),
    timeUtc: (options.now ?? new Date()).toISOString(),
    timezone: timezone(),
  };
}
