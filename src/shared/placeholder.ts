// Which keys are placeholders a message may show as written: the output boundary leaves them unmasked.
import { bareCredential } from './secrets.js';

/**
 * A placeholder everyone writes (YOUR_API_KEY, changeme, <YOUR_API_KEY>, xxx, {{apiKey}}, {{$processEnv NAME}}) is
 * no secret: it is shown as written, never masked. Anything else isPlaceholderKey accepts (any <...>) could be a
 * real key in brackets, so only these shapes are shown.
 */
export function isShownPlaceholder(value: string | undefined): boolean {
  if (value === undefined) return false;
  const bare = bareCredential(value).replace(/^<([^<>]*)>$/, '$1');
  return /^(your|my)?[-_ ]?(api|rapidapi|mashvisor)?[-_ ]?key([-_ ]?here)?$/i.test(bare) || /^(changeme|replace[-_ ]?me|insert[-_ ]?key[-_ ]?here)$/i.test(bare)
    || /^(x{3,}|\*{3,}|\.{2,}|\u2026+)$/i.test(bare) || /^\{\{\s*\$?[A-Za-z_][\w.-]*(\s+[A-Za-z_][\w.-]*)?\s*\}\}$/.test(bare);
}
