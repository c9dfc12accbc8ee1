// Every validation problem says what it is about in `kind`, where it is made; code that tells problems apart
// (the grouping of unknown parameters) reads the kind, never the message text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { validateParams, methodProblem } from '../dist/catalog/validate.js';
import { findByOperationId } from '../dist/catalog/catalog.js';
import { groupProblems } from '../dist/checks/params.js';
import { validateReport } from '../dist/report/schema.js';

async function kinds(id, query, path = {}, body) {
  const op = findByOperationId(id);
  assert.ok(op, `no operation ${id}`);
  const result = await validateParams(op, body === undefined ? { path, query } : { path, query, body });
  return [...result.errors, ...result.warnings].map((p) => `${p.severity} ${p.in} ${p.param}: ${p.kind}`).sort();
}

test('query problems: repeated, enum, unknown, misspelled, missing, placeholder, case, unlisted', async () => {
  assert.equal(await kinds('getRentalRates', { state: 'California', zipcode: '78701', bedroom: '2', zip_code: ['1', '2'] }), [
    'error query state: enum',
    'error query zip_code: repeated',
    'warning query bedroom: unknown',
    'warning query source: missing',
    'warning query zipcode: misspelled',
  ]);
  assert.equal(await kinds('getRentalRates', { state: 'ca', zip_code: '<string>', source: 'airbnb' }), [
    'error query zip_code: placeholder',
    'warning query state: case',
    'warning query zip_code: unlisted',
  ]);
  assert.equal(await kinds('getRentalRates', { source: 'airbnb' }), ['error query state: missing']);
});

test('range, type, enum in any case, and a search level short of parameters', async () => {
  assert.equal(await kinds('getRentoCalculatorBaths', { state: 'CA', address: 'x', beds: '9', baths: 'abc', home_type: 'castle' }), [
    'error query baths: type',
    'error query beds: range',
    'error query home_type: enum',
    'warning query baths: unlisted',
    'warning query zip_code,lat,lng: missing',
  ]);
});

test('path and body problems, and the method', async () => {
  assert.equal(await kinds('getAirbnbProperty', { id: '1', state: 'CA' }, { foo: 'x' }, { a: 1 }), [
    'error path id: missing',
    'warning body body: not-sent',
    'warning path foo: unknown',
    'warning query id: misplaced',
  ]);
  assert.equal(await kinds('postMlInvestmentLikelihood', {}, {}, [1]), ['error body body: type']);
  assert.equal(await kinds('postMlInvestmentLikelihood', {}, {}, { beds: 'x' }), ['error body body.beds: type']);
  assert.equal(await kinds('postMlInvestmentLikelihood', {}, {}), ['error body body: missing']);
  assert.is(methodProblem(findByOperationId('getRentalRates'), { method: 'POST' }).kind, 'method');
});

test('grouping goes by kind and operation, not by what the message says', () => {
  const unknown = (param, message) => ({ kind: 'unknown', param, in: 'query', severity: 'warning', message, fix: 'f', operationId: 'getX' });
  const grouped = groupProblems([
    unknown('a', 'worded one way'),
    { kind: 'misspelled', param: 'zipcode', in: 'query', severity: 'warning', message: 'b: unknown parameter for getX', fix: 'g' },
    unknown('c', 'worded another way'),
  ]);
  assert.is(grouped.length, 2);
  assert.is(grouped[0].message, 'a, c: unknown parameters for getX');
  assert.is(grouped[0].fix, 'remove them, or see: mashvisor-preflight endpoints getX');
  assert.is(grouped[1].kind, 'misspelled', 'a problem that only reads like an unknown parameter stays as it is');
  // An unknown path name is not merged with the query's.
  assert.is(groupProblems([unknown('a', 'x'), { ...unknown('b', 'y'), in: 'path' }]).length, 2);
});

test('a saved report may carry kinds, and one saved before them still reads', async () => {
  const saved = JSON.parse(readFileSync(new URL('./fixtures/reports/client-error-404-state-missing.json', import.meta.url), 'utf8'));
  assert.is(await validateReport(saved), null);
  const problems = [...saved.validation.errors, ...saved.validation.warnings];
  assert.ok(problems.length > 0, 'the fixture has problems to mark');
  for (const p of problems) Object.assign(p, { kind: 'missing', operationId: 'getRentalRates' });
  assert.is(await validateReport(saved), null);
});

test.run();
