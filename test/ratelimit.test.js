// Rate-limit header parsing and the rate-limit check, as pure functions: every header family, Retry-After as
// seconds and as an HTTP date, epoch resets, percentages, --rate and --probe.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  readRateLimitFamilies, rateLimitState, judgeRateLimit, parseRetryAfter, parseIntendedRate, structuredFields,
  resetSeconds, percentLeft, durationText,
} from '../dist/checks/ratelimit.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

const parse = suite('rate-limit headers');

parse('RapidAPI plan quota: x-ratelimit-requests-*', () => {
  const [quota] = readRateLimitFamilies({
    'x-ratelimit-requests-limit': '500', 'x-ratelimit-requests-remaining': '37', 'x-ratelimit-requests-reset': '1209600',
  }, NOW);
  assert.is(quota.source, 'x-ratelimit-requests');
  assert.is(quota.scope, 'quota');
  assert.is(quota.limit, 500);
  assert.is(quota.remaining, 37);
  assert.is(quota.percentLeft, 7.4);
  assert.is(quota.resetSeconds, 1209600);
});

parse('per-window rate: x-ratelimit-* (RapidAPI documents a 60 s window)', () => {
  const families = readRateLimitFamilies({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': '42' }, NOW);
  assert.is(families.length, 1);
  assert.is(families[0].source, 'x-ratelimit');
  assert.is(families[0].scope, 'rate');
  assert.is(families[0].windowSeconds, 60);
  assert.is(families[0].percentLeft, 99);
  assert.is(families[0].resetSeconds, 42);
});

parse('both RapidAPI families at once are both read', () => {
  const families = readRateLimitFamilies({
    'x-ratelimit-requests-limit': '1000', 'x-ratelimit-requests-remaining': '990', 'x-ratelimit-requests-reset': '86400',
    'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '5',
  }, NOW);
  assert.equal(families.map((f) => f.source), ['x-ratelimit-requests', 'x-ratelimit']);
  // The state reports the family closest to running out.
  const state = rateLimitState({
    'x-ratelimit-requests-limit': '1000', 'x-ratelimit-requests-remaining': '990',
    'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '1',
  }, 200, NOW);
  assert.is(state.source, 'x-ratelimit');
  assert.is(state.remaining, 1);
  assert.is(state.percentLeft, 10);
});

parse('IETF RateLimit-Limit / -Remaining / -Reset, window from RateLimit-Policy', () => {
  const [f] = readRateLimitFamilies({ 'ratelimit-limit': '60', 'ratelimit-remaining': '15', 'ratelimit-reset': '20', 'ratelimit-policy': '60;w=60' }, NOW);
  assert.is(f.source, 'ratelimit');
  assert.is(f.limit, 60);
  assert.is(f.remaining, 15);
  assert.is(f.percentLeft, 25);
  assert.is(f.resetSeconds, 20);
  assert.is(f.windowSeconds, 60);
  assert.is(f.scope, 'rate');
});

parse('IETF separate headers without a policy: scope unknown', () => {
  const [f] = readRateLimitFamilies({ 'ratelimit-limit': '60', 'ratelimit-remaining': '59', 'ratelimit-reset': '20' }, NOW);
  assert.is(f.scope, 'unknown');
  assert.is(f.windowSeconds, null);
});

parse('IETF list-valued RateLimit-Limit counts by its first item', () => {
  const [f] = readRateLimitFamilies({ 'ratelimit-limit': '10, 10;w=1, 50;w=60', 'ratelimit-remaining': '5' }, NOW);
  assert.is(f.limit, 10);
  assert.is(f.percentLeft, 50);
});

parse('IETF structured RateLimit + RateLimit-Policy ("default";r=..;t=.. and q=..;w=..)', () => {
  const [f] = readRateLimitFamilies({ ratelimit: '"default";r=5;t=30', 'ratelimit-policy': '"default";q=100;w=60' }, NOW);
  assert.is(f.source, 'ratelimit-structured');
  assert.is(f.limit, 100);
  assert.is(f.remaining, 5);
  assert.is(f.percentLeft, 5);
  assert.is(f.resetSeconds, 30);
  assert.is(f.windowSeconds, 60);
  assert.is(f.scope, 'rate');
});

parse('IETF combined RateLimit: limit=, remaining=, reset=', () => {
  const [f] = readRateLimitFamilies({ ratelimit: 'limit=200, remaining=150, reset=12' }, NOW);
  assert.is(f.limit, 200);
  assert.is(f.remaining, 150);
  assert.is(f.percentLeft, 75);
  assert.is(f.resetSeconds, 12);
});

parse('structured fields: an older policy "100;w=60" gives its leading number as q', () => {
  assert.equal(structuredFields('100;w=60'), { w: 60, q: 100 });
  assert.equal(structuredFields('"default";q=50;w=1'), { q: 50, w: 1 });
  assert.equal(structuredFields(undefined), {});
});

parse('a reset given as a Unix time becomes seconds from now', () => {
  const epoch = String(NOW / 1000 + 90);
  const [f] = readRateLimitFamilies({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '50', 'x-ratelimit-reset': epoch }, NOW);
  assert.is(f.resetSeconds, 90);
  assert.is(resetSeconds(NOW / 1000 - 10, NOW), 0, 'a reset in the past is 0, not negative');
  assert.is(resetSeconds(30, NOW), 30);
  assert.is(resetSeconds(null, NOW), null);
});

parse('percent left: rounded to one decimal; no limit, no percentage', () => {
  assert.is(percentLeft(3, 1), 33.3);
  assert.is(percentLeft(1000, 0), 0);
  assert.is(percentLeft(0, 0), null);
  assert.is(percentLeft(null, 5), null);
  assert.is(percentLeft(100, null), null);
});

parse('Retry-After: seconds, HTTP date, past date, garbage', () => {
  assert.is(parseRetryAfter('120', NOW), 120);
  assert.is(parseRetryAfter(' 7 ', NOW), 7);
  assert.is(parseRetryAfter(new Date(NOW + 45_000).toUTCString(), NOW), 45);
  assert.is(parseRetryAfter('Sun, 01 Mar 2026 12:02:00 GMT', NOW), 120);
  assert.is(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW), 0);
  assert.is(parseRetryAfter('soon', NOW), null);
  assert.is(parseRetryAfter(undefined, NOW), null);
});

parse('state: 429 without headers is 0 left; Retry-After alone is reported; nothing is null', () => {
  const bare429 = rateLimitState({}, 429, NOW);
  assert.is(bare429.remaining, 0);
  assert.is(bare429.source, '429');
  const retry = rateLimitState({ 'retry-after': 'Sun, 01 Mar 2026 12:10:00 GMT' }, 503, NOW);
  assert.is(retry.source, 'retry-after');
  assert.is(retry.retryAfterSeconds, 600);
  assert.is(rateLimitState({ 'content-type': 'application/json' }, 200, NOW), null);
});

parse('--rate: 5/s, 100/min, 6000/h, "2 per sec"; anything else is null', () => {
  assert.is(parseIntendedRate('5/s'), 5);
  assert.is(parseIntendedRate('100/min'), 100 / 60);
  assert.is(parseIntendedRate('6000/h'), 6000 / 3600);
  assert.is(parseIntendedRate('2 per sec'), 2);
  assert.is(parseIntendedRate('fast'), null);
  assert.is(parseIntendedRate('5'), null);
  assert.is(parseIntendedRate('5/fortnight'), null);
});

parse('durations read like a person would say them', () => {
  assert.is(durationText(30), '30 s');
  assert.is(durationText(600), '10 min');
  assert.is(durationText(404802), '4.7 days');
});

parse.run();

const check = suite('rate-limit check');

check('no response: skip', () => {
  const { check: c, state } = judgeRateLimit({ headers: null, status: null });
  assert.is(c.status, 'skip');
  assert.is(state, null);
});

check('no headers and no 429: skip, "the API exposed no rate-limit headers"', () => {
  const { check: c } = judgeRateLimit({ headers: { 'content-type': 'application/json' }, status: 200, nowMs: NOW });
  assert.is(c.status, 'skip');
  assert.match(c.message, 'the API exposed no rate-limit headers');
});

check('plenty left: pass, with limit, remaining, percent and reset in the message', () => {
  const { check: c, state } = judgeRateLimit({ headers: { 'x-ratelimit-requests-limit': '1000', 'x-ratelimit-requests-remaining': '900', 'x-ratelimit-requests-reset': '3600' }, status: 200, nowMs: NOW });
  assert.is(c.status, 'pass');
  assert.match(c.message, '900 of 1000 left (90%)');
  assert.match(c.message, 'plan quota');
  assert.is(state.scope, 'quota');
  assert.is(state.resetSeconds, 3600);
});

check('under 10% left: warn', () => {
  const { check: c } = judgeRateLimit({ headers: { 'x-ratelimit-requests-limit': '500', 'x-ratelimit-requests-remaining': '37' }, status: 200, nowMs: NOW });
  assert.is(c.status, 'warn');
  assert.match(c.message, '7.4%');
});

check('exactly 10% left is not under 10%: pass', () => {
  const { check: c } = judgeRateLimit({ headers: { 'ratelimit-limit': '100', 'ratelimit-remaining': '10' }, status: 200, nowMs: NOW });
  assert.is(c.status, 'pass');
});

check('0 left on a 200: fail', () => {
  const { check: c } = judgeRateLimit({ headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' }, status: 200, nowMs: NOW });
  assert.is(c.status, 'fail');
  assert.match(c.message, 'no requests left');
});

check('429: fail, with the Retry-After wait', () => {
  const { check: c, state } = judgeRateLimit({ headers: { 'retry-after': '42' }, status: 429, nowMs: NOW });
  assert.is(c.status, 'fail');
  assert.match(c.message, '429');
  assert.match(c.message, 'retry after 42 s');
  assert.is(state.retryAfterSeconds, 42);
});

check('429 with a Retry-After date', () => {
  const { check: c } = judgeRateLimit({ headers: { 'retry-after': new Date(NOW + 120_000).toUTCString() }, status: 429, nowMs: NOW });
  assert.match(c.message, 'retry after 2 min');
});

check('Retry-After alone on a 503: warn, the server asks to wait', () => {
  const { check: c } = judgeRateLimit({ headers: { 'retry-after': '600' }, status: 503, nowMs: NOW });
  assert.is(c.status, 'warn');
  assert.match(c.message, 'Retry-After: 10 min');
});

check('header names in any case are read', () => {
  const { state } = judgeRateLimit({ headers: { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '3' }, status: 200, nowMs: NOW });
  assert.is(state.remaining, 3);
  assert.is(state.percentLeft, 3);
});

check('--rate above the advertised per-window limit: warn, with both rates', () => {
  const { check: c, state } = judgeRateLimit({ headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' }, status: 200, intendedPerSecond: 5, nowMs: NOW });
  assert.is(c.status, 'warn');
  assert.match(c.message, 'intends 5/s');
  assert.match(c.message, 'allows 1/s');
  assert.is(c.details.allowedPerSecond, 1);
  assert.ok(state);
});

check('--rate below the advertised limit: pass', () => {
  const { check: c } = judgeRateLimit({ headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' }, status: 200, intendedPerSecond: 0.5, nowMs: NOW });
  assert.is(c.status, 'pass');
  assert.match(c.message, 'intends 30/min');
});

check('--rate with nothing advertised: said so, not a failure', () => {
  const { check: c } = judgeRateLimit({ headers: {}, status: 200, intendedPerSecond: 5, nowMs: NOW });
  assert.is(c.status, 'skip');
  assert.match(c.message, 'advertises no per-window limit');
});

check('a probe that hit 429 warns and says after how many', () => {
  const probe = { sent: 3, accepted: 2, hit429: true, retryAfterSeconds: 30, stoppedBy: '429' };
  const { check: c } = judgeRateLimit({ headers: {}, status: 200, probe, nowMs: NOW });
  assert.is(c.status, 'warn');
  assert.match(c.message, 'Probe: 2 of 3 extra requests accepted, then 429 (Retry-After 30 s)');
  assert.match(c.advice, 'after 3 accepted requests');
  assert.equal(c.details.probe, probe);
});

check.run();
