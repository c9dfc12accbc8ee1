// Shared by the end-to-end tests: run the CLI as a child process, the way a user does.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bin = join(root, 'bin', 'mashvisor-preflight.js');

/**
 * The developer's environment minus what would change a run: their own key, colour settings, proxies and a CI's
 * job-summary file.
 * A test that wants one of them passes it in `extra`.
 */
export function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const name of ['MASHVISOR_API_KEY', 'NO_COLOR', 'FORCE_COLOR', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'GITHUB_STEP_SUMMARY', 'GITHUB_ACTIONS']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/**
 * Runs `mashvisor-preflight ...args` with stdin from `input` (closed at once when none). A run that outlives
 * `guardMs` is killed and reported as `killed` (the test then fails on it).
 */
export function runCli(args, options = {}) {
  return runProcess(process.execPath, [bin, ...args], options);
}

/** Any program, as runCli runs the CLI: output collected, killed (and `killed` set) past `guardMs`. */
export function runProcess(file, args, { env = {}, input, cwd, guardMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const guard = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, guardMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // a CLI that exits before reading stdin is not a test failure
    child.stdin.end(input);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

/** Runs the CLI, sends SIGINT once stderr shows `marker`, and collects what it printed (a run past 60 s is killed). */
export function interruptAfter(args, marker, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && stderr.includes(marker)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, sent });
    });
  });
}

/**
 * The simulator for a whole test file (stats reset before each test) and a fresh temp directory per test, handed to
 * `use(sandbox, dir)` as they change.
 */
export function useSandbox(test, prefix, use) {
  let sandbox;
  let dir;
  test.before(async () => {
    const { startSandbox } = await import('../dist/sandbox/server.js');
    sandbox = await startSandbox({ port: 0 });
  });
  test.after(async () => {
    await sandbox.close();
  });
  test.before.each(() => {
    sandbox.resetStats();
    dir = mkdtempSync(join(tmpdir(), prefix));
    use(sandbox, dir);
  });
  test.after.each(() => rmSync(dir, { recursive: true, force: true }));
}

/**
 * The report paths a check printed under "Reports:", one a line; a path wider than the terminal (a long TMPDIR, as
 * on macOS) goes on over indented continuation lines, which are joined back.
 */
export function reportPaths(stdout, heading = 'Reports:') {
  const paths = [];
  for (const line of stdout.split(`${heading}\n`)[1].trimEnd().split('\n')) {
    if (/^ {2}\S/.test(line) || !paths.length) paths.push(line.trim());
    else paths[paths.length - 1] += line.trim();
  }
  return paths;
}
