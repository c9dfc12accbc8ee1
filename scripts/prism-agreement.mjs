#!/usr/bin/env node
// Does Prism, fed the export, agree with `validate` on every request of the conformance corpus? Run by hand (not
// part of npm test: Prism is not a dependency). See docs/openapi.md:
//   mashvisor-preflight endpoints --openapi --yaml > /tmp/oas/mashvisor.openapi.yaml
//   (cd /tmp/oas && npx @stoplight/prism-cli mock -h 127.0.0.1 -p 4010 mashvisor.openapi.yaml) &
//   node scripts/prism-agreement.mjs http://127.0.0.1:4010
// Prism answers a request its document refuses with a 4xx (the declared 400, or 422); one it takes with a 2xx.
// Every request goes both ways in: the direct path with x-api-key, the RapidAPI path with RapidAPI's headers.
// Exit 0 when the only differences are the deliberate ones of docs/catalog.md, 1 otherwise.
import { conformanceCorpus, DELIBERATE } from '../test/conformance-corpus.js';
import { validateRequest } from '../dist/index.js';

const base = (process.argv[2] ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
// A mock takes any key; a proxy in front of the sandbox needs the sandbox's (never a real key: every request would
// be billed): PRISM_DIRECT_KEY and PRISM_RAPIDAPI_KEY.
const DIRECT_KEY = process.env.PRISM_DIRECT_KEY ?? 'prism-agreement';
const RAPID_HEADERS = { 'x-rapidapi-key': process.env.PRISM_RAPIDAPI_KEY ?? 'prism-agreement', 'x-rapidapi-host': 'mashvisor-api.p.rapidapi.com' };

async function prismStatus(c, way) {
  const path = way === 'direct' ? c.direct : c.rapid;
  const search = new URLSearchParams(c.query).toString();
  const headers = way === 'direct' ? { 'x-api-key': DIRECT_KEY } : { ...RAPID_HEADERS };
  const init = { method: c.method, headers };
  if (c.body !== undefined) {
    init.body = JSON.stringify(c.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}${search ? `?${search}` : ''}`, init);
  await res.arrayBuffer();
  return res.status;
}

async function validVerdict(c) {
  try {
    return (await validateRequest({ endpoint: c.operationId, params: { path: c.path, query: c.query, ...(c.body !== undefined ? { body: c.body } : {}) } })).valid;
  } catch {
    return false;
  }
}

// Prism reads an empty query value (city=) as no value at all, so an empty optional parameter passes there while
// validate, the export's schema (minLength, a number type) and the simulator refuse it: Prism's reading, not the
// document's (docs/openapi.md).
function emptyQueryValue(c) {
  const name = c.mutation.split(' ')[0];
  return / empty ""$/.test(c.mutation) && c.query[name] === '';
}

const cases = conformanceCorpus();
// A proxy has one upstream: PRISM_WAYS=direct (upstream .../v1.1) or rapid (upstream the RapidAPI root).
const ways = (process.env.PRISM_WAYS ?? 'direct,rapid').split(',');
const jobs = cases.flatMap((c) => ['direct', ...(c.rapid ? ['rapid'] : [])].filter((w) => ways.includes(w)).map((way) => ({ c, way })));
const differ = [];
let requests = 0;
for (let i = 0; i < jobs.length; i += 16) {
  await Promise.all(jobs.slice(i, i + 16).map(async ({ c, way }) => {
    const status = await prismStatus(c, way);
    requests++;
    const valid = await validVerdict(c);
    const accepted = status >= 200 && status < 300;
    if (accepted !== valid) {
      const listed = DELIBERATE.some(([, re]) => re.test(c.id)) || emptyQueryValue(c);
      differ.push(`${listed ? 'deliberate' : 'UNLISTED  '} ${way} ${c.id}: validate ${valid ? 'accepts' : 'rejects'}, Prism answers ${status}`);
    }
  }));
}
differ.sort();
for (const line of differ) console.log(line);
const unlisted = differ.filter((d) => d.startsWith('UNLISTED'));
console.log(`${requests} requests (${cases.length} cases), ${differ.length} disagreements, ${unlisted.length} not listed as deliberate`);
process.exit(unlisted.length ? 1 : 0);
