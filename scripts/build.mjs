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
import { ignoreCasePattern, openapiDocument } from './openapi.mjs';

export { ignoreCasePattern };

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
// The x-warn-* keywords are the catalog's warnings: rules that only a source's prose states, or that sources disagree
// on, so breaking them must never block a request (src/validate.ts reads them from dist/catalog.json):
//   x-warn-if-missing  (a parameter)   text: why leaving it out is risky
//   x-warn-enum        (a parameter)   the values a source names; any other value is a warning
//   x-warn-pattern     (a parameter)   { pattern, expect }: a value not matching it is a warning saying what is expected
//   x-warn-levels      (the query)     [{ level, when, needs }]: once a parameter of `when` is given, the `needs` are advised
//   x-enum-ignore-case (a parameter)   an error-level list of values compared without case (turned into a pattern here)
//   x-enum-case        (a parameter)   "warning": the enum is compared without case; another case is only a warning
//   x-source           (a parameter)   which source a rule above comes from, quoted in its message
const EXTRA_KEYWORDS = ['x-operation', 'x-warn-if-missing', 'x-example', 'x-warn-enum', 'x-warn-pattern', 'x-warn-levels', 'x-enum-ignore-case', 'x-enum-case', 'x-source'];

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
  return partDocs(defs, part, location);
}

function partDocs(defs, part, location) {
  const required = new Set(part.required ?? []);
  return Object.entries(part.properties ?? {}).map(([name, raw]) => {
    const p = resolveRef(defs, raw);
    const doc = { name, in: location, type: typeName(p), required: required.has(name) };
    if (p['x-warn-if-missing']) doc.warnIfMissing = p['x-warn-if-missing'];
    if (p.enum) doc.enum = p.enum.map(String);
    if (p['x-enum-ignore-case']) {
      doc.enum = p['x-enum-ignore-case'].map(String);
      doc.enumIgnoreCase = true;
    }
    if (p['x-warn-enum']) doc.warnEnum = p['x-warn-enum'].map(String);
    if (p['x-warn-pattern']) doc.warnPattern = p['x-warn-pattern'];
    if (p['x-source']) doc.source = p['x-source'];
    if (p.description) doc.description = p.description;
    return doc;
  });
}

/** Replaces every x-enum-ignore-case in a schema (deeply) with an equivalent type + pattern, for ajv. */
export function expandIgnoreCase(node) {
  if (Array.isArray(node)) return node.map(expandIgnoreCase);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = expandIgnoreCase(v);
  if (out['x-enum-ignore-case']) {
    out.type ??= 'string';
    out.pattern = ignoreCasePattern(out['x-enum-ignore-case']);
  }
  return out;
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
    ...(schema.properties?.query?.['x-warn-levels'] ? { levels: schema.properties.query['x-warn-levels'] } : {}),
    ...(body && typeof body === 'object' && body.properties && Object.keys(body.properties).length
      ? { bodyParams: partDocs(defs, body, 'body') } : {}),
  };
}

export function paramsSchema(schema) {
  const { body: _body, ...parts } = expandIgnoreCase(schema.properties);
  return {
    ...schema,
    $id: schema.$id.replace(/\.json$/, '.params.json'),
    required: (schema.required ?? []).filter((r) => r !== 'body'),
    properties: parts,
  };
}

export function bodySchema(schema) {
  return { ...expandIgnoreCase(schema.properties.body), $id: schema.$id.replace(/\.json$/, '.body.json') };
}

// Validators are CommonJS on purpose: require() of a small file is cheap, while the first import() of an ES module
// starts Node's ES module loader, which costs more than a whole validation.
// ajv's standalone output require()s small runtime helpers (ucs2length, the format checks); esbuild bundles them in,
// so that a validator is one file with nothing to resolve in node_modules at run time.
async function selfContained(code, name) {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: { contents: code, resolveDir: root, sourcefile: name, loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // Smaller files read and compile faster; names are kept, so a validator still reads as ajv wrote it.
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

async function writeValidator(outDir, name, ajv, validate) {
  writeFileSync(join(outDir, 'validators', name), await selfContained(standaloneCode(ajv, validate), name));
}

async function buildValidators(outDir) {
  const { defs, endpoints } = loadSchemas();
  rmSync(join(outDir, 'validators'), { recursive: true, force: true });
  mkdirSync(join(outDir, 'validators'), { recursive: true });
  const catalog = [];
  for (const { file, schema } of endpoints) {
    const entry = catalogEntry(defs, schema);
    if (`${entry.operationId}.json` !== file) throw new Error(`${file}: file name must be <operationId>.json`);
    catalog.push(entry);
    const paramsAjv = newAjv(true);
    paramsAjv.addSchema(expandIgnoreCase(defs));
    const validateParams = paramsAjv.compile(paramsSchema(schema));
    await writeValidator(outDir, `${entry.operationId}.params.cjs`, paramsAjv, validateParams);
    if (entry.hasBody) {
      const bodyAjv = newAjv(false);
      bodyAjv.addSchema(expandIgnoreCase(defs));
      const validateBody = bodyAjv.compile({ ...bodySchema(schema), $id: schema.$id });
      await writeValidator(outDir, `${entry.operationId}.body.cjs`, bodyAjv, validateBody);
    }
  }
  writeFileSync(join(outDir, 'catalog.json'), JSON.stringify(catalog));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(outDir, 'openapi.json'), JSON.stringify(openapiDocument({ defs, endpoints }, version)));
  await buildReportValidator(outDir);
  return catalog.length;
}

// The report schema ships in schemas/ for anyone; `report FILE.json` checks saved reports with this compiled copy.
async function buildReportValidator(outDir) {
  const file = join(root, 'schemas', 'report.schema.json');
  let schema;
  try {
    schema = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  const ajv = newAjv(false);
  await writeValidator(outDir, 'report.cjs', ajv, ajv.compile(schema));
}

// The CLI ships as one CommonJS esbuild bundle (dist/bundle/cli.cjs): one file to parse instead of hundreds to
// resolve, which is most of a cold start, and no ES module loader before the first line runs. Modules reached
// through import() stay lazy inside the bundle: they are evaluated only when a command asks for them, the compiled
// validators excepted: they stay files in dist/validators (src/catalog/compiled.ts). The bundle sits one folder
// below dist/, as every built copy of the sources does, so that `new URL('../catalog.json', import.meta.url)` holds.
// The tsc output stays for the library. Dependencies that go in, go in as they are published: no plugin replaces or
// edits their files. axios and yargs stay out (below): the CLI requires the installed packages, as the library does.

async function bundleCli(outDir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: join(outDir, 'bundle', 'cli.cjs'),
    // NO_MINIFY=1 npm run build keeps names readable, for a CPU profile (node --cpu-prof); comments still go, since
    // JSDoc would put non-ASCII characters in the bundle.
    ...(process.env.NO_MINIFY ? { minifyWhitespace: true, minifySyntax: true } : { minify: true }),
    legalComments: 'none',
    // Maps let coverage (c8) and stack traces point at src/ instead of the bundle.
    sourcemap: true,
    sourcesContent: false,
    // Loaded at run time from node_modules (their published CommonJS builds), when first used: axios only when a
    // request is sent, yargs only for command lines the fast path leaves to it, postman-collection and yaml only
    // for the inputs that need them. Bundled, axios and yargs made the bundle 700 KB instead of 318 KB, and every
    // cold validate paid to read and deserialize them: 26.0–26.5 ms against 24.2–24.4 ms (paired runs, node -e 0
    // at 17 ms), the difference between 1.55× and 1.42× on the bench's 1.5× row. A live check pays ~1 ms for
    // require('axios') and stays well within its row (0.96 of the axios-only script).
    external: ['postman-collection', 'yaml', 'axios', 'yargs', 'yargs/helpers'],
    // The sources are ES modules that find dist/ files with import.meta.url; in the CommonJS bundle that is the
    // bundle's own URL, which sits in dist/ as the tsc output of those modules does.
    define: { 'import.meta.url': '__mpModuleUrl' },
    banner: { js: 'const __mpModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning',
  });
}

// The library for require(): Node 20 before 20.19 cannot require() an ES module, so `require('mashvisor-preflight')`
// gets a CommonJS bundle of src/index.ts. Every dependency stays a require() of the user's node_modules (one axios,
// the app's own). It sits two levels below the package root, as the tsc output and the CLI bundle do, so that the
// import.meta.url look-ups (dist files, package.json) land in the same places.
async function bundleLibraryCjs(outDir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src', 'index.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: join(outDir, 'cjs', 'index.cjs'),
    packages: 'external',
    legalComments: 'none',
    define: { 'import.meta.url': '__mpModuleUrl' },
    banner: { js: 'const __mpModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning',
  });
}

// Declarations for require(): dist/index.d.ts and the files it reaches are ES module declarations (the package is
// "type": "module"), and a CommonJS TypeScript project (module node16/node18, or TypeScript before 5.8) refuses to
// require() them (TS1479). So the require entry gets its own tree beside dist/cjs/index.cjs: each declaration tsc
// wrote, copied as .d.cts with its relative specifiers turned from .js to .cjs. Derived at every build, so that it
// cannot drift from what tsc wrote; a specifier this cannot map fails the build.
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;

function writeCjsDeclarations(outDir) {
  const pending = ['index.d.ts'];
  const done = new Set();
  while (pending.length) {
    const file = pending.pop();
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(join(outDir, file), 'utf8');
    const text = source.replace(RELATIVE_SPECIFIER, (_all, lead, quote, spec) => {
      if (!spec.endsWith('.js')) throw new Error(`${file}: cannot map ${spec} to a CommonJS declaration`);
      pending.push(join(dirname(file), spec.replace(/\.js$/, '.d.ts')));
      return `${lead}${quote}${spec.replace(/\.js$/, '.cjs')}${quote}`;
    });
    const target = join(outDir, 'cjs', file.replace(/\.d\.ts$/, '.d.cts'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return done.size;
}

// The library for import: the same sources as dist/index.js, bundled, so that importing the package reads a few
// files instead of some fifty (measured by the bench's library-import row). Lazy import()s stay lazy: splitting puts
// each in its own chunk beside the entry, two levels below the package root like the rest.
async function bundleLibraryEsm(outDir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src', 'index.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: join(outDir, 'esm'),
    chunkNames: '[name]-[hash]',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

// The bundle ends with a hash of its content (just above the source map comment, which stays last); its code caches
// carry the same hash (see bin/mashvisor-preflight.js).
function stampBundle(file) {
  const source = readFileSync(file, 'utf8');
  // esbuild writes the bundle in ASCII (its default charset escapes the rest); the command reads it as latin1, which
  // skips UTF-8 decoding and gives the same string only for ASCII. Say so here if that ever stops being true.
  if (/[^\x00-\x7f]/.test(source)) throw new Error(`${file} holds non-ASCII characters: the command reads it as latin1`);
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
  // A fresh dist/ each time: a file whose source was removed must not linger and ship.
  if (!onlySchemas) rmSync(join(root, 'dist'), { recursive: true, force: true });
  const tscStatus = onlySchemas ? 0 : compileTypeScript();
  const count = await buildValidators(join(root, 'dist'));
  if (!onlySchemas) {
    await bundleCli(join(root, 'dist'));
    stampBundle(join(root, 'dist', 'bundle', 'cli.cjs'));
    await bundleLibraryCjs(join(root, 'dist'));
    writeCjsDeclarations(join(root, 'dist'));
    await bundleLibraryEsm(join(root, 'dist'));
    trainCodeCache();
  }
  console.error(`build: ${count} operations compiled into dist/validators`);
  process.exit(tscStatus);
}
