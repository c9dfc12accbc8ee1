// The catalog as an OpenAPI 3.1 document, made from schemas/ at build time (dist/openapi.json), so that tools which
// read OpenAPI (Postman, Prism, Schemathesis, code generators) can use the same description the checker validates
// against. Mashvisor publishes none.
//
// The direct API and RapidAPI serve the same operations under different paths (/client/rental-rates under /v1.1,
// /rental-rates at the RapidAPI root), which one path list with two servers cannot say. So each operation appears
// once per way in: its direct path item names the direct server, its RapidAPI path item the RapidAPI server and
// key header. Both servers are also listed at the top for tools that only read those.

export const DIRECT_SERVER = 'https://api.mashvisor.com/v1.1';
export const RAPIDAPI_SERVER = 'https://mashvisor-api.p.rapidapi.com';
const RAPIDAPI_HOST = 'mashvisor-api.p.rapidapi.com';

// The errors page's own wording (test/openapi.test.js checks it against src/codes.ts).
export const ERROR_RESPONSES = {
  400: ['BadRequest', 'Bad Request -- Your request is invalid.'],
  401: ['Unauthorized', 'Unauthorized -- Your API key is wrong.'],
  404: ['NotFound', 'Not Found -- The specified property could not be found.'],
  429: ['TooManyRequests', "Too Many Requests -- You're sending too many requests! Slow down!"],
  500: ['InternalServerError', 'Internal Server Error -- We had a problem with our server. Try again later.'],
  503: ['ServiceUnavailable', "Service Unavailable -- We're temporarily offline for maintenance. Please try again later."],
};

const DIRECT_SECURITY = [{ mashvisorApiKey: [] }];
const RAPIDAPI_SECURITY = [{ rapidApiKey: [] }];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** "Condo/Coop" → "^(?:[Cc][Oo]...)$": JSON Schema has no case-insensitive enum; a pattern says it to any validator. */
export function ignoreCasePattern(values) {
  const one = (value) => [...String(value)].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toUpperCase()}${c.toLowerCase()}]` : escapeRegExp(c))).join('');
  return `^(?:${values.map(one).join('|')})$`;
}

/**
 * A JSON Schema (draft-07) fragment from schemas/ as an OpenAPI 3.1 schema: $refs point into components. A list
 * compared without case (x-enum-ignore-case, or an enum whose other case is only a warning: x-enum-case) becomes a
 * pattern, so that the document rejects what validate rejects and accepts what it accepts; the list stays beside it.
 */
function convertSchema(schema) {
  if (Array.isArray(schema)) return schema.map(convertSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = `#/components/schemas/${String(value).split('/').pop()}`;
    else if (key === 'x-warn-if-missing') continue; // said in the parameter's description instead
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v)]));
    else out[key] = convertSchema(value);
  }
  if (out['x-enum-case'] === 'warning' && Array.isArray(out.enum)) {
    out['x-enum-ignore-case'] = out.enum;
    delete out.enum;
  }
  if (Array.isArray(out['x-enum-ignore-case'])) {
    out.type ??= 'string';
    out.pattern = ignoreCasePattern(out['x-enum-ignore-case']);
  }
  return out;
}

/**
 * A rule across query parameters (the query's if/then/else: state held to the US list unless country is
 * non-US) cannot be said in one parameter's schema. The operation carries it as x-query-rule (a JSON Schema of the
 * whole query object), and each parameter it constrains says it in words.
 */
function queryRule(schema) {
  const query = schema.properties?.query;
  if (!query || !query.if) return null;
  const names = new Set([...Object.keys(query.then?.properties ?? {}), ...Object.keys(query.else?.properties ?? {})]);
  const rule = convertSchema({ if: query.if, then: query.then, else: query.else });
  return { names, rule };
}

const CROSS_TEXT = {
  state: 'Across parameters (x-query-rule): when country is absent or US, state must be one of the US state codes; with another country any non-empty text is taken.',
};

function parameters(ctx, schema, location, template) {
  const part = schema.properties?.[location];
  if (!part || typeof part !== 'object') return [];
  const required = new Set(part.required ?? []);
  const cross = queryRule(schema);
  return Object.entries(part.properties ?? {})
    .filter(([name]) => location !== 'path' || template.includes(`{${name}}`))
    .map(([name, raw]) => {
      const { description, 'x-warn-if-missing': warn, ...rest } = raw;
      const crossText = location === 'query' && cross?.names.has(name) ? CROSS_TEXT[name] ?? 'Across parameters: see x-query-rule.' : null;
      const text = [description, warn ? `Advised: ${warn}.` : null, crossText].filter(Boolean).join(' ');
      return {
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(text ? { description: text } : {}),
        schema: convertSchema(rest),
        example: typedExample(resolveLocal(ctx.defs, raw), parameterExample(ctx.defs, schema, location, name, ctx.documented)),
      };
    });
}

/** Response names per status; the RapidAPI way has its own copies, which declare RapidAPI's headers and bodies. */
const RESPONSE_CODES = { ...Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([code, [name]]) => [code, name])), 502: 'BadGateway' };

function responses(way) {
  const suffix = way === 'rapidapi' ? 'ViaRapidApi' : '';
  const out = { 200: { $ref: `#/components/responses/Success${suffix}` } };
  for (const [code, name] of Object.entries(RESPONSE_CODES)) out[code] = { $ref: `#/components/responses/${name}${suffix}` };
  if (way === 'rapidapi') out[403] = { $ref: '#/components/responses/ForbiddenViaRapidApi' };
  return out;
}

function operation(ctx, schema, way) {
  const meta = schema['x-operation'];
  const template = way === 'direct' ? meta.path : meta.rapidapiPath;
  const params = [...parameters(ctx, schema, 'path', template), ...parameters(ctx, schema, 'query', template)];
  const cross = queryRule(schema);
  if (way === 'rapidapi') params.push({ $ref: '#/components/parameters/RapidApiHost' });
  const op = {
    operationId: way === 'direct' ? meta.operationId : `${meta.operationId}ViaRapidApi`,
    summary: schema.title,
    ...(schema.description ? { description: schema.description } : {}),
    tags: [way === 'direct' ? 'direct' : 'rapidapi'],
    security: way === 'direct' ? DIRECT_SECURITY : RAPIDAPI_SECURITY,
    parameters: params,
    ...(cross ? { 'x-query-rule': cross.rule } : {}),
    responses: responses(way),
  };
  const body = schema.properties?.body;
  if (body && typeof body === 'object') {
    const example = schema['x-example']?.body;
    op.requestBody = {
      required: (schema.required ?? []).includes('body'),
      content: { 'application/json': { schema: convertSchema(body), ...(example !== undefined ? { example } : {}) } },
    };
  }
  return { template, op };
}

// What RapidAPI adds to every answer it relays: the plan quota (always) and, for a per-window limit, the window.
const RAPIDAPI_HEADERS = {
  'x-ratelimit-requests-limit': 'Requests the plan allows in its period, before overage charges.',
  'x-ratelimit-requests-remaining': 'Requests left in the plan\'s period.',
  'x-ratelimit-requests-reset': 'Seconds until the plan\'s quota resets.',
  'x-ratelimit-limit': 'Requests allowed per rate window (APIs with a per-window limit; 60-second window).',
  'x-ratelimit-remaining': 'Requests left in the current window.',
  'x-ratelimit-reset': 'Seconds until the window resets.',
};

const RETRY_AFTER = {
  'Retry-After': {
    description: 'How long to wait before retrying: seconds, or an HTTP date.',
    schema: { type: 'string' },
    example: '60',
  },
};

const MAINTENANCE_PAGE = '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We\'ll be back soon</h1>' +
  '<p>We\'re temporarily offline for maintenance. Please try again later.</p></body></html>';
const BAD_GATEWAY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

const RAPIDAPI_MESSAGES = {
  401: 'Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.',
  403: 'You are not subscribed to this API.',
  404: "Endpoint '/rental-rates' does not exist",
  429: 'You have exceeded the rate limit per minute for your plan, BASIC, by the API provider',
  502: 'API not reachable',
};

const json = (schemaName, example) => ({ schema: { $ref: `#/components/schemas/${schemaName}` }, ...(example ? { example } : {}) });
const html = (example) => ({ schema: { type: 'string', description: 'An HTML page, not JSON.' }, example });

/** One error response, as the direct API sends it and (way rapidapi) as RapidAPI relays it or answers itself. */
function errorResponse(code, text, way) {
  const envelope = { status: 'error', code: Number(code), message: code === '401' ? 'Invalid api access Key' : text };
  let content = { 'application/json': json('Error', envelope) };
  if (way === 'rapidapi' && RAPIDAPI_MESSAGES[code]) {
    content = { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/RapidApiMessage' }] }, example: envelope } };
  }
  if (code === '503') content['text/html'] = html(MAINTENANCE_PAGE);
  const headers = {
    ...(code === '429' || code === '503' ? RETRY_AFTER : {}),
    ...(way === 'rapidapi' ? rapidHeaders() : {}),
  };
  return { description: text, ...(Object.keys(headers).length ? { headers } : {}), content };
}

function rapidHeaders() {
  return Object.fromEntries(Object.entries(RAPIDAPI_HEADERS).map(([name, description]) => [name, {
    description, schema: { type: 'integer', minimum: 0 }, example: name.endsWith('reset') ? 60 : 1000,
  }]));
}

const SUCCESS_EXAMPLE = { status: 'success', content: { state: 'TX', city: 'Killeen', median_rental_income: 2380, sample_size: 38 } };
const BAD_GATEWAY = 'Bad Gateway -- the gateway in front of the API got no valid answer from it (an HTML page, not the envelope).';

function wayResponses(way) {
  const suffix = way === 'rapidapi' ? 'ViaRapidApi' : '';
  const out = {
    [`Success${suffix}`]: {
      description: 'Success: the {status: "success", content} envelope.',
      ...(way === 'rapidapi' ? { headers: rapidHeaders() } : {}),
      content: { 'application/json': json('Success', SUCCESS_EXAMPLE) },
    },
  };
  for (const [code, [name, text]] of Object.entries(ERROR_RESPONSES)) out[`${name}${suffix}`] = errorResponse(code, text, way);
  const gateway = way === 'rapidapi'
    ? { 'application/json': json('RapidApiMessage', { message: RAPIDAPI_MESSAGES[502] }), 'text/html': html(BAD_GATEWAY_PAGE) }
    : { 'text/html': html(BAD_GATEWAY_PAGE) };
  out[`BadGateway${suffix}`] = { description: BAD_GATEWAY, ...(way === 'rapidapi' ? { headers: rapidHeaders() } : {}), content: gateway };
  if (way === 'rapidapi') {
    out.ForbiddenViaRapidApi = {
      description: 'RapidAPI\'s own answer: the key is not subscribed to this API (the request never reached Mashvisor).',
      content: { 'application/json': json('RapidApiMessage', { message: RAPIDAPI_MESSAGES[403] }) },
    };
  }
  return out;
}

function components(defs) {
  return {
    schemas: {
      ...Object.fromEntries(Object.entries(defs.definitions).map(([name, s]) => [name, convertSchema(s)])),
      Error: {
        type: 'object',
        description: 'The error envelope of every documented error answer.',
        required: ['status', 'code', 'message'],
        properties: {
          status: { type: 'string', const: 'error' },
          code: { type: 'integer', description: 'The HTTP status code, repeated.' },
          message: { type: 'string', description: 'What went wrong, e.g. "Invalid api access Key".' },
        },
      },
      RapidApiMessage: {
        type: 'object',
        description: 'The RapidAPI gateway\'s own answer (bad key, not subscribed, rate or quota exceeded, unknown endpoint): a message only, not the API\'s envelope.',
        required: ['message'],
        properties: { message: { type: 'string', description: 'e.g. "Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info."' } },
      },
      Success: {
        type: 'object',
        description: 'The success envelope; the content differs per operation (an object, or a list on a few).',
        required: ['status', 'content'],
        properties: {
          status: { type: 'string', const: 'success' },
          content: { description: 'The operation\'s data.', anyOf: [{ type: 'object' }, { type: 'array', items: {} }] },
        },
      },
    },
    responses: { ...wayResponses('direct'), ...wayResponses('rapidapi') },
    parameters: {
      RapidApiHost: {
        name: 'x-rapidapi-host',
        in: 'header',
        required: true,
        description: 'RapidAPI routes the call by this header.',
        schema: { type: 'string', const: RAPIDAPI_HOST, default: RAPIDAPI_HOST },
        example: RAPIDAPI_HOST,
      },
    },
    securitySchemes: {
      mashvisorApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A Mashvisor key, for the direct API.' },
      rapidApiKey: { type: 'apiKey', in: 'header', name: 'x-rapidapi-key', description: 'A RapidAPI key, for calls through RapidAPI.' },
    },
  };
}

/** { defs, endpoints: [{ schema }] } as loadSchemas() gives them → the OpenAPI 3.1 document. */
export function openapiDocument({ defs, endpoints }, version) {
  const ctx = { defs, documented: documentedValues(endpoints) };
  const paths = {};
  const add = (template, servers, method, op) => {
    const item = (paths[template] ??= { servers });
    if (item[method]) throw new Error(`openapi: two operations for ${method.toUpperCase()} ${template}`);
    item[method] = op;
  };
  const direct = [{ url: DIRECT_SERVER, description: 'Direct (key in x-api-key)' }];
  const rapid = [{ url: RAPIDAPI_SERVER, description: 'Through RapidAPI (x-rapidapi-key and x-rapidapi-host)' }];
  for (const { schema } of endpoints) {
    const method = schema['x-operation'].method.toLowerCase();
    const d = operation(ctx, schema, 'direct');
    add(d.template, direct, method, d.op);
    if (schema['x-operation'].rapidapiPath) {
      const r = operation(ctx, schema, 'rapidapi');
      add(r.template, rapid, method, r.op);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mashvisor API',
      version: '1.1',
      summary: 'Unofficial description of the Mashvisor API, generated by mashvisor-preflight from its schemas.',
      description: `Generated by mashvisor-preflight ${version} from the schemas it validates requests with. Mashvisor publishes no OpenAPI document; this one is assembled from the public docs and the RapidAPI listing and may lag behind the real API.`,
    },
    servers: [...direct, ...rapid],
    security: [...DIRECT_SECURITY, ...RAPIDAPI_SECURITY],
    tags: [
      { name: 'direct', description: `Paths under ${DIRECT_SERVER}` },
      { name: 'rapidapi', description: `Paths under ${RAPIDAPI_SERVER}` },
    ],
    paths,
    components: components(defs),
  };
}

// ---- Examples -----------------------------------------------------------------------------------------------------
// Every parameter gets an example, so that a mock (Prism) answers like the API and a generated request is valid.
// In order: the operation's own documented example (x-example: the vendor README's lookup, the docs' sample
// calls), the same name in another operation's example, the shared definition's `examples`, the first listed
// value, then a value inside the bounds.

function resolveLocal(defs, prop) {
  if (!prop || typeof prop !== 'object' || !prop.$ref) return prop ?? {};
  const target = defs.definitions[String(prop.$ref).split('/').pop()];
  const { $ref: _ref, ...rest } = prop;
  return { ...target, ...rest };
}

/** name → the first value any operation's x-example gives it. */
export function documentedValues(endpoints) {
  const out = new Map();
  for (const { schema } of endpoints) {
    const ex = schema['x-example'] ?? {};
    for (const part of ['path', 'query']) {
      for (const [name, value] of Object.entries(ex[part] ?? {})) if (!out.has(name)) out.set(name, String(value));
    }
  }
  return out;
}

/** Query text as the example of its schema: a number for a numeric parameter. */
function typedExample(p, text) {
  return (p.type === 'integer' || p.type === 'number') && text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}

function fromBounds(p) {
  const low = p.minimum ?? (p.type === 'integer' || p.type === 'number' ? 1 : undefined);
  if (low === undefined) return undefined;
  const value = Math.max(low, Math.min(1, p.maximum ?? 1));
  return String(value);
}

/** The example value (as query text) of one parameter of one operation. */
export function parameterExample(defs, schema, part, name, documented) {
  const own = schema['x-example']?.[part]?.[name];
  if (own !== undefined) return String(own);
  const p = resolveLocal(defs, schema.properties?.[part]?.properties?.[name]);
  if (documented.has(name)) return documented.get(name);
  if (Array.isArray(p.examples) && p.examples.length) return String(p.examples[0]);
  const listed = p.enum ?? p['x-enum-ignore-case'] ?? p['x-warn-enum'];
  if (listed?.length) return String(listed[0]);
  return fromBounds(p) ?? 'example';
}
