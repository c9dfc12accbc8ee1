import { writeFile } from 'node:fs/promises';
import { UsageError } from '../../shared/errors.js';
import { InputError } from '../../inputs/raw.js';
import { print, registerSecrets, scrubFile } from '../output.js';
import { describeFsError, parseJsonText, readInputText } from '../../request/params.js';

/** Parsed whole, copied and written again: 3 MB peaked at 105 MiB, 81 MB at 1.08 GiB. Within 100 MiB below this. */
const MAX_HAR_BYTES = 2 * 1024 * 1024;

export async function run(args: { file: string; out?: string }): Promise<number> {
  const { sanitizeHar } = await import('../../inputs/har-sanitize.js');
  const har = parseJsonText(await readInputText(args.file, 'HAR file', MAX_HAR_BYTES), args.file);
  if (typeof har !== 'object' || har === null) throw new UsageError(`${args.file} is not a HAR file`);
  let result;
  try {
    result = sanitizeHar(har);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(`${args.file}: ${err.message}`);
    throw err;
  }
  const out = args.out ?? args.file.replace(/(\.har)?$/i, '.sanitized.har');
  if (out === args.file) throw new UsageError('the output would overwrite the input: pass -o with another name');
  try {
    // What was taken out is known from here on: no byte written or printed may hold it, in any encoding.
    registerSecrets(result.secrets);
    await writeFile(out, scrubFile(`${JSON.stringify(result.har, null, 2)}\n`), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${out}: ${code === 'EEXIST' ? 'the file exists (choose another name with -o)' : describeFsError(err)}`);
  }
  const lines = result.removed.map((r) => `  ${r.where === 'log' ? 'the HAR' : `entry ${r.entry}`}${r.where === 'entry' || r.where === 'log' ? '' : ` ${r.where}`}: ${r.what}`);
  // A long output path (a deep temp dir) is folded to the terminal's width like every other message.
  const { wrapText } = await import('../text.js');
  print(wrapText([`Wrote ${out}: removed ${result.removed.length} secret${result.removed.length === 1 ? '' : 's'}`, ...lines].join('\n'), undefined, '  '));
  return 0;
}
