import { fail } from './fail.js';
import { parseFast } from './fastpath.js';
import { reportOutputFailures, startRun } from './output.js';

// The entry point. Everyday validate/check calls skip loading yargs (see fastpath.ts); everything else goes through it.
async function runFast(argv: string[]): Promise<boolean> {
  // The tests turn the fast path off to check that both readings of the same command line behave alike.
  if (process.env.MASHVISOR_PREFLIGHT_NO_FASTPATH) return false;
  const fast = parseFast(argv);
  if (!fast) return false;
  const { args } = fast;
  const command = fast.command === 'check'
    ? await (args.watch ? import('./commands/watch.js') : import('./commands/check.js'))
    : args.batch !== undefined ? await import('./commands/batch.js') : await import('./commands/validate.js');
  process.exitCode = await (command.run as (a: Record<string, unknown>) => Promise<number>)(args);
  return true;
}

// Started by bin/mashvisor-preflight.js. No top-level await and no work at import time: the CLI ships as a
// CommonJS bundle (a CommonJS start skips Node's ES module loader), and the build's code-cache training run loads
// it without running it.
export async function runCli(argv: string[]): Promise<void> {
  try {
    startRun();
    if (!(await runFast(argv))) {
      const { main: viaYargs } = await import('./yargs.js');
      await viaYargs(argv);
    }
  } catch (err) {
    fail(err);
  } finally {
    reportOutputFailures();
  }
}
