// Whose answer is this: the RapidAPI gateway's own, the API's, or something else on the way (a router, a mock, a
// maintenance page)? The gateway answers the same for every API behind it, in its own words and shape
// ({"message": ...}, or {"messages": ..., "info": "Your Client (working) ---> Gateway ..."}), often with
// x-rapidapi-proxy-response: true and server: RapidAPI-x.y.z. Its answers are about the key, the subscription, the
// plan and the host header, never about the data, and must not be explained with the API's errors page.
import { findHeader } from '../shared/headers.js';
import type { Cause } from './causes.js';

export type AnswerFrom = 'gateway' | 'api' | 'other';

export interface GatewayRule {
  /** The statuses the gateway sends this message with (any when absent: a timeout arrives as a 200). */
  status?: number[];
  message: RegExp;
  cause: Cause;
  /** What the answer means, as a clause. */
  means: string;
  /** An example of the gateway's words, for `explain`. */
  example: string;
}

/** The gateway's own messages, most specific first. */
export const GATEWAY_RULES: readonly GatewayRule[] = [
  { status: [401, 403], message: /endpoint is disabled for your subscription/i, cause: 'plan',
    means: 'the key works, but your RapidAPI plan does not include this endpoint', example: 'This endpoint is disabled for your subscription' },
  { status: [403], message: /not subscribed to this api/i, cause: 'subscription',
    means: 'RapidAPI finds no subscription to this API for the key sent (it answers the same to an unknown or mistyped key)', example: 'You are not subscribed to this API.' },
  { status: [404], message: /api doesn'?t exists?|api does not exist/i, cause: 'host-header',
    means: 'RapidAPI found no API for the x-rapidapi-host header sent', example: "API doesn't exists" },
  { status: [404], message: /endpoint\b.*\bdoes not exist/i, cause: 'no-route',
    means: 'the API behind RapidAPI has no such path', example: "Endpoint '/client/rental-rates' does not exist" },
  { status: [429], message: /quota/i, cause: 'quota',
    means: "your plan's quota is used up: more requests are refused until it resets", example: 'You have exceeded the MONTHLY quota for Requests on your current plan, BASIC.' },
  { status: [429], message: /rate limit per|too many requests/i, cause: 'rate',
    means: 'requests came faster than your plan allows', example: 'You have exceeded the rate limit per second for your plan, BASIC, by the API provider' },
  { status: [401, 403], message: /invalid api key|missing rapidapi|application key|blocked user/i, cause: 'key',
    means: 'RapidAPI refused the key itself', example: 'Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.' },
  { message: /timed out|took too long/i, cause: 'upstream-timeout',
    means: 'the gateway gave up waiting for the API (the gateway and your client worked)', example: 'The request to the API has timed out. Please try again later…' },
  { message: /unreachable|\(not working\)/i, cause: 'server',
    means: 'the gateway could not reach the API', example: 'The API is unreachable, please contact the API provider' },
];

export interface Reading {
  from: AnswerFrom;
  /** The gateway's cause, when its words or its shape tell one. */
  cause: Cause | null;
  means: string | null;
  /** The gateway's own words, when it sent some. */
  said: string | null;
}

type Body = Record<string, unknown> | null;

/** The gateway's body shapes: only message/messages/info keys, never the API's status/content envelope. */
function gatewayShaped(body: Body): boolean {
  if (!body) return false;
  const keys = Object.keys(body);
  return keys.length > 0 && keys.every((k) => k === 'message' || k === 'messages' || k === 'info');
}

function gatewayWords(body: Body): string | null {
  const text = [body?.message, body?.messages, body?.info].filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return text.length ? text.join(' ') : null;
}

/** The gateway marked the answer as its own: the proxy-response header, or its server name. */
export function gatewayMarked(headers: Record<string, string>): boolean {
  return /^true$/i.test(findHeader(headers, 'x-rapidapi-proxy-response')?.trim() ?? '') || /^rapidapi\b/i.test(findHeader(headers, 'server') ?? '');
}

function ruleFor(status: number, words: string): GatewayRule | undefined {
  return GATEWAY_RULES.find((r) => (!r.status || r.status.includes(status)) && r.message.test(words));
}

/**
 * Reads one answer. The gateway is believed when it marks the answer (header or server) or when the body has its
 * shape; the API answers in its {status, ...} envelope. A marked answer with no words still has a meaning: a 401
 * refuses the key, a 403 the subscription.
 */
export function readAnswer(status: number, headers: Record<string, string>, body: Body, envelope: boolean): Reading {
  const marked = gatewayMarked(headers);
  const shaped = gatewayShaped(body);
  const words = shaped ? gatewayWords(body) : null;
  if (words) {
    const rule = ruleFor(status, words);
    // RapidAPI's server header also sits on the API's own answers passed through: only its shape or its mark
    // with a known message make the answer the gateway's.
    if (rule && (marked || shaped)) return { from: 'gateway', cause: rule.cause, means: rule.means, said: words };
    if (marked) return { from: 'gateway', cause: null, means: null, said: words };
  }
  if (!envelope && /^true$/i.test(findHeader(headers, 'x-rapidapi-proxy-response')?.trim() ?? '')) {
    if (status === 401) return { from: 'gateway', cause: 'key', means: 'RapidAPI refused the key (its own answer, with no message)', said: null };
    if (status === 403) return { from: 'gateway', cause: 'subscription', means: 'RapidAPI refused the request for this key (its own answer, with no message)', said: null };
    return { from: 'gateway', cause: null, means: null, said: null };
  }
  return { from: envelope ? 'api' : 'other', cause: null, means: null, said: null };
}

/** A 429's cause from its headers: the plan's quota at 0 left is not cured by slowing down. */
export function quotaSpent(headers: Record<string, string>): boolean {
  const left = findHeader(headers, 'x-ratelimit-requests-remaining');
  return left !== undefined && Number(String(left).split(/[,;]/)[0]!.trim()) === 0;
}

/** A 429 that is the plan's quota, not a rate: its headers at 0 left, or the gateway's words say so. */
export function quotaAnswer(status: number | null, headers: Record<string, string> | null, bodyText: string | undefined): boolean {
  if (status !== 429 || !headers) return false;
  if (quotaSpent(headers)) return true;
  let body: unknown = null;
  try {
    body = JSON.parse(bodyText ?? '');
  } catch {
    return false;
  }
  const object = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  return readAnswer(status, headers, object, false).cause === 'quota';
}
