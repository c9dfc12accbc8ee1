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

/** A JSON Schema (draft-07) fragment from schemas/ as an OpenAPI 3.1 schema: $refs point into components. */
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
  return out;
}

function parameters(schema, location, template) {
  const part = schema.properties?.[location];
  if (!part || typeof part !== 'object') return [];
  const required = new Set(part.required ?? []);
  return Object.entries(part.properties ?? {})
    .filter(([name]) => location !== 'path' || template.includes(`{${name}}`))
    .map(([name, raw]) => {
      const { description, 'x-warn-if-missing': warn, ...rest } = raw;
      const text = [description, warn ? `Advised: ${warn}.` : null].filter(Boolean).join(' ');
      return {
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(text ? { description: text } : {}),
        schema: convertSchema(rest),
      };
    });
}

function responses() {
  const out = { 200: { $ref: '#/components/responses/Success' } };
  for (const [code, [name]] of Object.entries(ERROR_RESPONSES)) out[code] = { $ref: `#/components/responses/${name}` };
  return out;
}

function operation(schema, way) {
  const meta = schema['x-operation'];
  const template = way === 'direct' ? meta.path : meta.rapidapiPath;
  const params = [...parameters(schema, 'path', template), ...parameters(schema, 'query', template)];
  if (way === 'rapidapi') params.push({ $ref: '#/components/parameters/RapidApiHost' });
  const op = {
    operationId: way === 'direct' ? meta.operationId : `${meta.operationId}ViaRapidApi`,
    summary: schema.title,
    ...(schema.description ? { description: schema.description } : {}),
    tags: [way === 'direct' ? 'direct' : 'rapidapi'],
    security: way === 'direct' ? DIRECT_SECURITY : RAPIDAPI_SECURITY,
    parameters: params,
    responses: responses(),
  };
  const body = schema.properties?.body;
  if (body && typeof body === 'object') {
    op.requestBody = { required: (schema.required ?? []).includes('body'), content: { 'application/json': { schema: convertSchema(body) } } };
  }
  return { template, op };
}

function components(defs) {
  const errorResponses = Object.fromEntries(Object.values(ERROR_RESPONSES).map(([name, text]) => [name, {
    description: text,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  }]));
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
      Success: {
        type: 'object',
        description: 'The success envelope; the content differs per operation.',
        required: ['status', 'content'],
        properties: { status: { type: 'string', const: 'success' }, content: {} },
      },
    },
    responses: {
      Success: { description: 'Success', content: { 'application/json': { schema: { $ref: '#/components/schemas/Success' } } } },
      ...errorResponses,
    },
    parameters: {
      RapidApiHost: {
        name: 'x-rapidapi-host',
        in: 'header',
        required: true,
        description: 'RapidAPI routes the call by this header.',
        schema: { type: 'string', const: RAPIDAPI_HOST, default: RAPIDAPI_HOST },
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
    const d = operation(schema, 'direct');
    add(d.template, direct, method, d.op);
    if (schema['x-operation'].rapidapiPath) {
      const r = operation(schema, 'rapidapi');
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
