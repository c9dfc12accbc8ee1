// validate --batch FILE: the batch engine (batch/engine.ts) judges the lines; this command shows what it found,
// the invalid lines as they come, then a table per endpoint (or one JSON document).
import { validateBatch, type BatchResult, type Counts } from '../../batch/engine.js';

export async function run(args: { batch: string; json?: boolean }): Promise<number> {
  const json = Boolean(args.json);
  const result = await validateBatch(args.batch, { json, write: (text) => process.stdout.write(text) });
  if (json) process.stdout.write(`${JSON.stringify(jsonDocument(result), null, 2)}\n`);
  else process.stdout.write(await summary(result.total, result.endpoints));
  return result.total.invalid > 0 ? 1 : 0;
}

function jsonDocument({ total, endpoints, kept }: BatchResult): object {
  return { ...total, endpoints: Object.fromEntries(endpoints), invalidLines: kept, invalidLinesTruncated: total.invalid > kept.length };
}

async function summary(total: Counts, perEndpoint: Map<string, Counts>): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['Endpoint', 'Lines', 'Valid', 'Invalid'], style: { head: [], border: [] } });
  for (const [name, c] of [...perEndpoint].sort((a, b) => b[1].lines - a[1].lines)) table.push([name, c.lines, c.valid, c.invalid]);
  const verdict = total.invalid ? `✖ ${total.invalid} invalid` : '✔ all valid';
  return `${table.toString()}\n${verdict}: ${total.lines} lines, ${total.valid} valid, ${total.invalid} invalid\n`;
}
