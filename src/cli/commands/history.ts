import { print } from '../output.js';
import { readHistory, renderHistoryTable } from '../../report/history.js';
import { UsageError } from '../../shared/errors.js';
import { describeFsError } from '../../request/params.js';

export async function run(args: { reportsDir: string; limit: number; json?: boolean }): Promise<number> {
  if (!Number.isInteger(args.limit) || args.limit < 1) throw new UsageError('--limit must be a whole number ≥ 1');
  let history;
  try {
    history = await readHistory(args.reportsDir, args.limit);
  } catch (err) {
    throw new UsageError(`cannot read the history in ${args.reportsDir}: ${describeFsError(err)}`);
  }
  print(args.json ? JSON.stringify(history, null, 2) : await renderHistoryTable(history));
  return 0;
}
