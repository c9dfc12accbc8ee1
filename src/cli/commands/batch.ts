// validate --batch FILE: the batch engine (batch/engine.ts) judges the lines; this command shows what it found,
// the invalid lines as they come, then a table per endpoint (or one JSON document).
import { validateBatch, type BatchResult, type Counts } from '../../batch/engine.js';
import { cellText, registerSecrets, write } from '../output.js';

export async function run(args: { batch: string; json?: boolean }): Promise<number> {
  const json = Boolean(args.json);
  // Every byte leaves through the CLI's output boundary: scrubbed, control characters escaped, quiet on a closed pipe.
  registerSecrets([process.env.MASHVISOR_API_KEY]);
  const out = (text: string) => write(1, text);
  const result = await validateBatch(args.batch, { json, write: out });
  if (json) out(`${JSON.stringify(jsonDocument(result), null, 2)}\n`);
  else out(await summary(result.total, result.endpoints));
  return result.total.invalid > 0 ? 1 : 0;
}

function jsonDocument({ total, endpoints, kept }: BatchResult): object {
  return { ...total, endpoints: Object.fromEntries(endpoints), invalidLines: kept, invalidLinesTruncated: total.invalid > kept.length };
}

async function summary(total: Counts, perEndpoint: Map<string, Counts>): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['Endpoint', 'Lines', 'Valid', 'Invalid'], style: { head: [], border: [] } });
  for (const [name, c] of [...perEndpoint].sort((a, b) => b[1].lines - a[1].lines)) table.push([cellText(name), c.lines, c.valid, c.invalid]);
  const verdict = total.invalid ? `✖ ${total.invalid} invalid` : '✔ all valid';
  return `${table.toString()}\n${verdict}: ${total.lines} lines, ${total.valid} valid, ${total.invalid} invalid\n`;
}
