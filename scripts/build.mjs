#!/usr/bin/env node
// Build: compile TypeScript, then turn schemas/ into what the CLI loads at run time:
//   dist/catalog/catalog.json               operation metadata (for resolution, `endpoints`, messages)
//   dist/validators/<op>.params.cjs ajv standalone validator of {path, query}, values read as the server reads strings
//   dist/validators/<op>.body.cjs   ajv standalone validator of the JSON body (POST operations only)
//   dist/openapi.json               the catalog as an OpenAPI 3.1 document (`endpoints --openapi`; see openapi.mjs)
// Compiling here instead of at start-up keeps `validate` close to bare Node start-up time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { openapiDocument } from './openapi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats').default;
const standaloneCode = require('ajv/dist/standalone').default;

const onlySchemas = process.argv.includes('--schemas-only');

function compileTypeScript() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  return run.status ?? 1;
}

export function loadSchemas(dir = join(root, 'schemas')) {
  const defs = JSON.parse(readFileSync(join(dir, 'defs.json'), 'utf8'));
  const endpointDir = join(dir, 'endpoints');
  const endpoints = readdirSync(endpointDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, schema: JSON.parse(readFileSync(join(endpointDir, f), 'utf8')) }));
  return { defs, endpoints };
}

// x- keywords carry metadata for the catalog; ajv must accept them without validating anything.
const EXTRA_KEYWORDS = ['x-operation', 'x-warn-if-missing', 'x-example'];

export function newAjv(coerceTypes) {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    useDefaults: false,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    code: { source: true },
  });
  addFormats(ajv);
  ajv.addVocabulary(EXTRA_KEYWORDS);
  return ajv;
}

function resolveRef(defs, prop) {
  if (!prop || typeof prop !== 'object' || !prop.$ref) return prop;
  const name = prop.$ref.split('/').pop();
  const target = defs.definitions[name];
  if (!target) throw new Error(`unresolved $ref ${prop.$ref}`);
  return { ...target, ...Object.fromEntries(Object.entries(prop).filter(([k]) => k !== '$ref')) };
}

function typeName(schema) {
  if (Array.isArray(schema.type)) return schema.type.join('|');
  return schema.type ?? (schema.enum ? 'string' : 'any');
}

function paramDocs(defs, schema, location) {
  const part = schema.properties?.[location];
  if (!part || part === false || typeof part !== 'object') return [];
  const required = new Set(part.required ?? []);
  return Object.entries(part.properties ?? {}).map(([name, raw]) => {
    const p = resolveRef(defs, raw);
    const doc = { name, in: location, type: typeName(p), required: required.has(name) };
    if (p['x-warn-if-missing']) doc.warnIfMissing = p['x-warn-if-missing'];
    if (p.enum) doc.enum = p.enum.map(String);
    if (p.description) doc.description = p.description;
    return doc;
  });
}

export function catalogEntry(defs, schema) {
  const op = schema['x-operation'];
  const body = schema.properties?.body;
  return {
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    rapidapiPath: op.rapidapiPath ?? null,
    summary: schema.title + (schema.description ? `: ${schema.description}` : ''),
    params: [...paramDocs(defs, schema, 'path'), ...paramDocs(defs, schema, 'query')],
    hasBody: Boolean(body && body !== false),
  };
}

function paramsSchema(schema) {
  const { body: _body, ...parts } = schema.properties;
  return {
    ...schema,
    $id: schema.$id.replace(/\.json$/, '.params.json'),
    required: (schema.required ?? []).filter((r) => r !== 'body'),
    properties: parts,
  };
}

function bodySchema(schema) {
  return { ...schema.properties.body, $id: schema.$id.replace(/\.json$/, '.body.json') };
}

// Validators are CommonJS on purpose: require() of a small file costs about a millisecond, while the first import()
// of an ES module starts Node's ESM loader (~20 ms on a 2-core machine) — more than a whole validation.
// ajv's standalone output require()s small runtime helpers (ucs2length, the format checks); they are inlined, so
// that a validator is one file with nothing to resolve in node_modules at run time.
const inlined = new Map();
function inlineRuntime(code) {
  return code.replace(/require\("([^"]+)"\)/g, (call, mod) => {
    if (!inlined.has(mod)) {
      const source = readFileSync(require.resolve(mod), 'utf8');
      // Only self-contained helpers can be inlined; anything that requires more stays a require().
      inlined.set(mod, /\brequire\(/.test(source.replace(/\.code = .*$/gm, '')) ? null : source);
    }
    const source = inlined.get(mod);
    return source === null ? call : `((module) => { (function (exports, module) {\n${source}\n})(module.exports, module); return module.exports; })({ exports: {} })`;
  });
}
function buildValidators(outDir) {
  const { defs, endpoints } = loadSchemas();
  rmSync(join(outDir, 'validators'), { recursive: true, force: true });
  mkdirSync(join(outDir, 'validators'), { recursive: true });
  const catalog = [];
  for (const { file, schema } of endpoints) {
    const entry = catalogEntry(defs, schema);
    if (`${entry.operationId}.json` !== file) throw new Error(`${file}: file name must be <operationId>.json`);
    catalog.push(entry);
    const paramsAjv = newAjv(true);
    paramsAjv.addSchema(defs);
    const validateParams = paramsAjv.compile(paramsSchema(schema));
    writeFileSync(join(outDir, 'validators', `${entry.operationId}.params.cjs`), inlineRuntime(standaloneCode(paramsAjv, validateParams)));
    if (entry.hasBody) {
      const bodyAjv = newAjv(false);
      bodyAjv.addSchema(defs);
      const validateBody = bodyAjv.compile({ ...bodySchema(schema), $id: schema.$id });
      writeFileSync(join(outDir, 'validators', `${entry.operationId}.body.cjs`), inlineRuntime(standaloneCode(bodyAjv, validateBody)));
    }
  }
  writeFileSync(join(outDir, 'catalog.json'), JSON.stringify(catalog));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(outDir, 'openapi.json'), JSON.stringify(openapiDocument({ defs, endpoints }, version)));
  buildReportValidator(outDir);
  return catalog.length;
}

// The report schema ships in schemas/ for anyone; `report FILE.json` checks saved reports with this compiled copy.
function buildReportValidator(outDir) {
  const file = join(root, 'schemas', 'report.schema.json');
  let schema;
  try {
    schema = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  const ajv = newAjv(false);
  writeFileSync(join(outDir, 'validators', 'report.cjs'), inlineRuntime(standaloneCode(ajv, ajv.compile(schema))));
}

// The CLI ships as one CommonJS esbuild bundle (dist/bundle/cli.cjs): one file to parse instead of hundreds to resolve, which
// is most of a cold start, and no ES module loader (~10 ms more before the first line runs). Modules reached through
// import() stay lazy inside the bundle: they are compiled only when a command asks for them. The bundle sits in dist/
// so that the `new URL('./catalog.json', import.meta.url)` look-ups inside it point at dist/. The tsc output stays
// for the library.
// axios is kept, but the CLI never sends multipart bodies, never follows redirects (the key must not travel to another
// host) and always uses the http adapter. Those parts cost a third of a check's start-up: form-data pulls in the
// 160 kB mime database, and touching the global FormData or fetch makes Node load its whole fetch implementation.
// The bundle swaps them for stand-ins; the library build (tsc output) uses the untouched axios.
// Built-ins that axios's http adapter imports at its top but needs only for some requests load on first use in the
// bundle: https (an https URL), crypto (multipart boundaries, never sent by the CLI) and zlib (a compressed answer).
// A check of an http:// target (the simulator) then sends its request before loading them, ~12 ms sooner.
const lazyBuiltin = (name) =>
  `let m; const load = () => (m ??= require('node:${name}')); export default new Proxy({}, { get: (_, key) => load()[key] });`;
// axios reads zlib.constants and probes for the decompressors as it loads: those are answered without loading zlib.
function lazyZlib() {
  const zlib = require('node:zlib');
  const forward = ['createUnzip', 'createBrotliDecompress', 'createZstdDecompress']
    .filter((name) => typeof zlib[name] === 'function')
    .map((name) => `${name}: (...args) => load().${name}(...args)`);
  return `let m; const load = () => (m ??= require('node:zlib'));
export default { constants: ${JSON.stringify(zlib.constants)}, ${forward.join(', ')} };`;
}
const AXIOS_STUBS = {
  'form-data': 'export default class FormData {}',
  // axios reaches these only when it follows redirects, which the CLI never lets it do.
  'follow-redirects': `import http from 'node:http'; let m; const load = () => (m ??= require('node:https'));
export default { http, https: new Proxy({}, { get: (_, key) => load()[key] }) };`,
  // Node's HTTP/2 module takes ~10 ms to load; axios only touches it for httpVersion: 2, which the CLI never asks for.
  http2: "export default { constants: {}, connect() { throw new Error('HTTP/2 is not used by the CLI'); } };",
  // Used only through a proxy to an https URL; loading it loads tls, assert and debug.
  'https-proxy-agent': `let real; const load = () => (real ??= require('https-proxy-agent'));
export default class HttpsProxyAgent {
  constructor(...args) { const Real = load(); return new Real(...args); }
  static [Symbol.hasInstance](value) { return value instanceof load(); }
}`,
  https: lazyBuiltin('https'),
  crypto: lazyBuiltin('crypto'),
  zlib: lazyZlib(),
};
const fromAxios = (args) => /[\\/]axios[\\/]/.test(args.importer);
const axiosTrim = {
  name: 'axios-trim',
  setup(b) {
    b.onResolve({ filter: /^(form-data|follow-redirects|http2|https-proxy-agent|https|crypto|zlib)$/ }, (args) =>
      (fromAxios(args) || args.path === 'form-data' || args.path === 'follow-redirects' ? { path: args.path, namespace: 'axios-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'axios-stub' }, (args) => ({ contents: AXIOS_STUBS[args.path], loader: 'js', resolveDir: root }));
    b.onLoad({ filter: /axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/ }, () => ({ contents: 'export const getFetch = () => false; export default false;', loader: 'js' }));
    b.onLoad({ filter: /axios[\\/]lib[\\/]utils\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
      if (!source.includes(line)) return { contents: source, loader: 'js', warnings: [{ text: 'axios utils.js changed: FormData probe not trimmed' }] };
      return { contents: source.replace(line, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
  },
};

// cli-table3 (and yargs' cliui) measure text with string-width and strip-ansi, which build fresh regular expressions,
// the emoji one among them, on every call; drawing the four-row check table took ~12 ms, on the critical path after
// the answer arrives, and made V8 optimise string-width in the background, which the exit then waited for. In the
// bundle both are wrapped. Text made only of printable ASCII and of characters that string-width itself measures
// as one column whatever surrounds them (arrows, box drawing, ✔, … — found by asking the real module at build
// time) is measured by its length, which is exactly its answer for such text; text without an escape character is
// returned as strip-ansi would; anything else is measured once by the real module and remembered.
function narrowClass(realStringWidth) {
  // Characters that could join others into an emoji sequence are left to the real module.
  const joiners = new Set([0x200d, 0x20e3, 0xfe0e, 0xfe0f]);
  const ranges = [];
  let start = -1;
  for (let c = 0xa0; c <= 0x2c00; c++) {
    const ch = String.fromCharCode(c);
    const narrow = c < 0x2c00 && !joiners.has(c) && realStringWidth(ch) === 1 && realStringWidth(`a${ch}a`) === 3;
    if (narrow && start < 0) start = c;
    if (!narrow && start >= 0) {
      ranges.push(start === c - 1 ? `\\u${hex(start)}` : `\\u${hex(start)}-\\u${hex(c - 1)}`);
      start = -1;
    }
  }
  return `\\x20-\\x7e${ranges.join('')}`;
}
const hex = (c) => c.toString(16).padStart(4, '0');
export const FAST_TEXT = {
  'string-width': (real) => `const real = require(${JSON.stringify(real)});
const ascii = /^[\\x20-\\x7e]*$/;
const narrow = /^[${narrowClass(require(real))}]*$/;
const known = new Map();
module.exports = function stringWidth(text) {
  if (typeof text === 'string' && (ascii.test(text) || narrow.test(text))) return text.length;
  let width = known.get(text);
  if (width === undefined) {
    width = real(text);
    if (known.size < 5000) known.set(text, width);
  }
  return width;
};`,
  'strip-ansi': (real) => `const real = require(${JSON.stringify(real)});
module.exports = function stripAnsi(text) {
  return typeof text === 'string' && !text.includes('\\u001b') && !text.includes('\\u009b') ? text : real(text);
};`,
};
const fastText = {
  name: 'fast-text',
  setup(b) {
    b.onResolve({ filter: /^(string-width|strip-ansi)$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
      if (real.errors.length) return undefined;
      return { path: real.path, namespace: 'fast-text', pluginData: { name: args.path } };
    });
    b.onLoad({ filter: /.*/, namespace: 'fast-text' }, (args) => ({ contents: FAST_TEXT[args.pluginData.name](args.path), loader: 'js', resolveDir: root }));
  },
};

async function bundleCli(outDir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: join(outDir, 'bundle', 'cli.cjs'),
    minify: true,
    legalComments: 'none',
    // Maps let coverage (c8) and stack traces point at src/ instead of the bundle.
    sourcemap: true,
    sourcesContent: false,
    // Loaded at run time from node_modules: the compiled validators require ajv's runtime helpers, and
    // postman-collection and yaml are required lazily.
    external: ['postman-collection', 'ajv', 'ajv-formats', 'yaml'],
    // The sources are ES modules that find dist/ files with import.meta.url; in the CommonJS bundle that is the
    // bundle's own URL, which sits in dist/ as the tsc output of those modules does.
    define: { 'import.meta.url': '__mpModuleUrl' },
    banner: { js: 'const __mpModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [axiosTrim, fastText],
    logLevel: 'warning',
  });
}

// The bundle ends with a hash of its content (just above the source map comment, which stays last); its code caches
// carry the same hash (see bin/mashvisor-preflight.js).
function stampBundle(file) {
  const source = readFileSync(file, 'utf8');
  const id = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const map = source.lastIndexOf('//# sourceMappingURL=');
  const at = map < 0 ? source.length : map;
  writeFileSync(file, `${source.slice(0, at)}//# mashvisor-preflight-build=${id}\n${source.slice(at)}`);
}

function trainCodeCache() {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  for (const kind of ['validate', 'check']) {
    spawnSync(process.execPath, [join(root, 'scripts', 'train-code-cache.cjs'), kind], { stdio: ['ignore', 'ignore', 'inherit'], env });
  }
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const tscStatus = onlySchemas ? 0 : compileTypeScript();
  const count = buildValidators(join(root, 'dist'));
  if (!onlySchemas) {
    // Earlier builds split the bundle into chunks; clear any left so dist/ holds one build.
    for (const f of readdirSync(join(root, 'dist'))) if (f.startsWith('cli-chunk-')) rmSync(join(root, 'dist', f));
    await bundleCli(join(root, 'dist'));
    stampBundle(join(root, 'dist', 'bundle', 'cli.cjs'));
    trainCodeCache();
  }
  console.error(`build: ${count} operations compiled into dist/validators`);
  process.exit(tscStatus);
}
