// The API's documented status codes and classes, in the errors page's own words, plus what to check first.
// Used by `explain`, the response check and the reports.

export type Party = 'client' | 'support';

export interface CodeInfo {
  code: string;
  title: string;
  /** Exact wording of the errors page. */
  documented: string;
  party: Party;
  checkFirst: string[];
}

export const DOCUMENTED_CODES: Record<string, CodeInfo> = {
  '400': {
    code: '400', title: 'Bad Request', documented: 'Bad Request -- Your request is invalid.', party: 'client',
    checkFirst: ['Run `mashvisor-preflight validate` on the same request: required fields and data types.',
      'Values are sent as query text: numbers without units or commas, state as two capital letters.'],
  },
  '401': {
    code: '401', title: 'Unauthorized', documented: 'Unauthorized -- Your API key is wrong.', party: 'client',
    checkFirst: ['The key goes in the x-api-key header (RapidAPI: x-rapidapi-key plus x-rapidapi-host).',
      'No quotes, spaces, newline or "Bearer " around the key; the key is active on your plan.',
      'A RapidAPI key does not work on api.mashvisor.com, nor a Mashvisor key on RapidAPI.'],
  },
  '404': {
    code: '404', title: 'Not Found', documented: 'Not Found -- The specified property could not be found.', party: 'client',
    checkFirst: ['Is `state` in the request? The API answers 404, not 400, when it is missing.',
      'Check the id, address or city: the resource may not exist in that state.'],
  },
  '429': {
    code: '429', title: 'Too Many Requests', documented: "Too Many Requests -- You're sending too many requests! Slow down!", party: 'client',
    checkFirst: ['A per-second or per-minute limit: wait for Retry-After (if sent) before retrying; back off exponentially.',
      'The plan\'s quota spent (x-ratelimit-requests-remaining: 0, "exceeded the MONTHLY quota"): backing off will not help; wait for its reset or upgrade.',
      "Compare your request rate and monthly volume with your plan's allowance."],
  },
  '500': {
    code: '500', title: 'Internal Server Error', documented: 'Internal Server Error -- We had a problem with our server. Try again later.', party: 'support',
    checkFirst: ['Retry once later; if it persists, contact support with the report from `mashvisor-preflight check`.'],
  },
  '503': {
    code: '503', title: 'Service Unavailable', documented: "Service Unavailable -- We're temporarily offline for maintenance. Please try again later.", party: 'support',
    checkFirst: ['Planned maintenance or an outage: retry later; contact support with the report if it lasts.'],
  },
};

/**
 * Codes the errors page's table does not list but a user may meet: 422 (named by its checklist as a client-side
 * code), 403 and 405 (from gateways and routers), and redirects (3xx), which this tool never follows.
 * `documented` here is our own wording, not the errors page's.
 */
export const EXPLAINED_CODES: Record<string, CodeInfo> = {
  '3xx': {
    code: '3xx', title: 'Redirect', documented: 'The server points elsewhere; the API itself answers directly.', party: 'client',
    checkFirst: ['This tool does not follow redirects: the key must not travel to another host.',
      'Check --base-url: use https://api.mashvisor.com/v1.1 (RapidAPI: https://mashvisor-api.p.rapidapi.com).',
      'http:// instead of https://, or a missing /v1.1, are the usual causes.'],
  },
  '403': {
    code: '403', title: 'Forbidden', documented: 'The key may not use this API or endpoint; through RapidAPI, also the answer to an unknown or mistyped key.', party: 'client',
    checkFirst: ['Check that your plan (or RapidAPI subscription) includes this endpoint.',
      'Through RapidAPI: subscribe to the Mashvisor API with the key you send.',
      'A proxy or firewall may also answer 403: look at the response body.'],
  },
  '405': {
    code: '405', title: 'Method Not Allowed', documented: 'The path exists but does not take this method.', party: 'client',
    checkFirst: ['Every operation is GET except the three /ml/ ones, which are POST.',
      'curl: -d without -G sends POST, -I sends HEAD; `endpoints` lists the methods.'],
  },
  '422': {
    code: '422', title: 'Unprocessable Entity', documented: 'The request was read but a value was rejected (a client-side fix, says the errors page).', party: 'client',
    checkFirst: ['Run `mashvisor-preflight validate` on the same request.',
      'Check each value against the listed ones (state, source, home_type...).',
      'A POST body must be JSON with the documented field types.'],
  },
};

export const DOCUMENTED_CLASSES: Record<string, CodeInfo> = {
  '2xx': { code: '2xx', title: 'Success', documented: 'A 2xx status code indicates a successful response.', party: 'client',
    checkFirst: ['Nothing to fix. If the content looks wrong, check the parameters you sent.'] },
  '4xx': { code: '4xx', title: 'Client error', documented: "A 4xx status code indicates a client error — this means it's input error problem.", party: 'client',
    checkFirst: ['Parameters and data types, the API key, and your request rate: fix these before contacting support.'] },
  '5xx': { code: '5xx', title: 'Server error', documented: "A 5xx status code indicates a server error — please contact support if you're seeing this", party: 'support',
    checkFirst: ['Contact support and attach the report; include the request payload, the endpoint and the error response.'] },
};

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The documented entry for a status: the code itself when the errors page lists it, else its class. */
export function documentedFor(status: number): CodeInfo | null {
  return DOCUMENTED_CODES[String(status)] ?? DOCUMENTED_CLASSES[statusClass(status)] ?? null;
}
