import { createRequire } from 'node:module';
import { loadCatalog, openapiText } from '../../catalog/catalog.js';
import { UsageError } from '../../shared/errors.js';
import { print } from '../output.js';
import { resolveEndpoint } from '../../catalog/resolve.js';
import type { Operation } from '../../types.js';

export interface EndpointsArgs {
  name?: string;
  json?: boolean;
  openapi?: boolean;
  yaml?: boolean;
}

export async function run(args: EndpointsArgs): Promise<number> {
  if (args.openapi || args.yaml) return openapi(args);
  if (args.name) return showOne(resolveEndpoint(args.name).operation, Boolean(args.json));
  const operations = loadCatalog();
  if (args.json) {
    print(JSON.stringify(operations, null, 2));
    return 0;
  }
  const { drawTable, wrapText } = await import('../table.js');
  const rows = operations.map((op) => [op.operationId, op.method, op.path, requiredNames(op).join(', ') || '—']);
  const table = drawTable(['operationId', 'Method', 'Path (under /v1.1)', 'Required'], rows);
  print(`${table}\n${wrapText(`${operations.length} operations. Details: mashvisor-preflight endpoints <operationId>`)}`);
  return 0;
}

function requiredNames(op: Operation): string[] {
  return [...op.params.filter((p) => p.required).map((p) => p.name), ...(op.hasBody ? ['body'] : [])];
}

async function showOne(op: Operation, json: boolean): Promise<number> {
  if (json) {
    print(JSON.stringify(op, null, 2));
    return 0;
  }
  const lines = [
    `${op.operationId}  ${op.method} /v1.1${op.path}`,
    `  RapidAPI: ${op.rapidapiPath ? `${op.method} ${op.rapidapiPath}` : 'not listed'}`,
    `  ${op.summary}`,
  ];
  if (op.hasBody) lines.push('  Body: a JSON object (send it with --payload)');
  const { drawTable, wrapText } = await import('../table.js');
  const rows = op.params.map((p) => {
    const required = p.required ? 'yes' : p.warnIfMissing ? 'advised' : 'no';
    const allowed = p.enum && p.enum.length <= 8 ? ` One of: ${p.enum.join(', ')}.` : '';
    return [p.name, p.in, p.type, required, `${p.description ?? ''}${allowed}`.trim()];
  });
  const table = drawTable(['Parameter', 'In', 'Type', 'Required', 'Description'], rows, { keepWhole: [0, 1, 2, 3] });
  print(`${wrapText(lines.join('\n'))}\n${op.params.length ? table : '  No parameters.'}`);
  return 0;
}

/** The whole catalog as OpenAPI 3.1, JSON by default; the YAML writer is loaded only when asked for. */
async function openapi(args: EndpointsArgs): Promise<number> {
  if (!args.openapi) throw new UsageError('--yaml goes with --openapi');
  if (args.name) throw new UsageError('--openapi describes every operation: leave out the operation name');
  if (args.json && args.yaml) throw new UsageError('choose --json or --yaml, not both');
  const text = openapiText();
  if (!args.yaml) {
    print(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  }
  // Required, not imported: the CLI bundle runs where a dynamic import() of a package is not available.
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  // Aliases off: a consumer that does not resolve YAML anchors must still see every schema in full.
  print(stringify(JSON.parse(text), { aliasDuplicateObjects: false, lineWidth: 0 }));
  return 0;
}
