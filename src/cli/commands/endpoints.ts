import { loadCatalog } from '../../catalog/catalog.js';
import { print } from '../output.js';
import { resolveEndpoint } from '../../catalog/resolve.js';
import type { Operation } from '../../types.js';

export async function run(args: { name?: string; json?: boolean }): Promise<number> {
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
