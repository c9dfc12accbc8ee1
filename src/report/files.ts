// Writing report files: private (0600), complete or absent (never half-written), and never replacing a report
// that is already there, even when two runs finish in the same millisecond. Content is flushed to disk before its
// name appears; the directory itself is not synced, so a crash in the next moments can lose a new report's name,
// but never leave a half-written report behind (a directory sync cost more than the rest of the writing).
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsc, fchmodSync, fsync, linkSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { absoluteDir, notReplaceable } from '../shared/files.js';
import type { Report, ReportFormat } from '../types.js';
import { scrubberOf } from '../shared/scrub.js';
import { renderHar } from './har.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { jsonWithoutControls } from '../shared/terminal.js';

export class ReportWriteError extends Error {
  readonly dir: string;
  readonly code: string | undefined;
  constructor(dir: string, reason: string, code?: string) {
    super(`cannot write reports to ${dir}: ${reason}`);
    this.name = 'ReportWriteError';
    this.dir = dir;
    this.code = code;
  }
}

export const EXTENSIONS: Record<ReportFormat, string> = {
  json: 'json',
  md: 'md',
  har: 'har',
  html: 'html',
  junit: 'junit.xml',
};

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const MAX_SUFFIX = 10_000;

/** The report in one format; every byte through the scrubber the report was built with. */
export function renderFormat(report: Report, format: ReportFormat): string {
  return scrubberOf(report)(renderUnscrubbed(report, format));
}

function renderUnscrubbed(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report);
    case 'har':
      return jsonWithoutControls(JSON.stringify(renderHar(report), null, 2)) + '\n';
    case 'html':
      return renderHtml(report);
    case 'junit':
      return renderJunit(report);
    default:
      throw new TypeError(`unknown report format: ${String(format)}`);
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** report.createdAt as YYYYMMDD-HHMMSS-mmm in UTC; sorts by time in a directory listing. */
export function fileStamp(createdAt: string): string {
  const d = new Date(createdAt);
  if (Number.isNaN(d.getTime())) return String(createdAt).replace(/[^0-9A-Za-z]+/g, '') || 'undated';
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${pad(d.getUTCMilliseconds(), 3)}`
  );
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 120) || 'request';
}

export function baseNameFor(report: Report): string {
  return `${fileStamp(report.createdAt)}-${safeName(report.request.operationId || 'request')}`;
}

function reason(err: unknown): { text: string; code?: string } {
  const e = err as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'a file with that name is in the way',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENAMETOOLONG: 'the path is too long',
    ELOOP: 'too many symbolic links in the path',
  };
  return { text: (e?.code && known[e.code]) || e?.message || String(err), code: e?.code };
}

async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(absoluteDir(dir), { recursive: true, mode: DIR_MODE });
    const st = await stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const r = reason(err);
    throw new ReportWriteError(dir, r.text, r.code);
  }
}

const flush = (fd: number) => new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));

/**
 * Writes the content to a fresh private temp file in dir and flushes it to disk; returns its path.
 * The small calls are made directly (each is one quick system call, where a promise would cost a trip through
 * Node's thread pool); only the flush, which waits on the disk, is
 * asynchronous, so the flushes of a report's files overlap.
 */
async function writeTemp(dir: string, name: string, content: string): Promise<string> {
  const temp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, FILE_MODE);
  try {
    fchmodSync(fd, FILE_MODE); // the umask could only have removed bits; make the mode exact
    writeFileSync(fd, content, 'utf8');
    await flush(fd);
  } catch (err) {
    for (const undo of [() => closeSync(fd), () => unlinkSync(temp)]) {
      try {
        undo();
      } catch {
        /* already closed or gone */
      }
    }
    throw err;
  }
  closeSync(fd);
  return temp;
}

/**
 * Publishes a complete temp file under `final` only if nothing has that name yet.
 *
 * The scheme: the content is written to a temp file in the same directory and fsynced; then link(temp, final)
 * creates the final name. link() is atomic and fails with EEXIST when the name exists, so it is both the
 * no-overwrite reservation and the atomic publication: a reader sees either no file or the complete file.
 * (rename() would be atomic too but silently replaces an existing file.) The temp name is removed afterwards.
 * On file systems without hard links, the name is reserved with an exclusive create ('wx') and the temp file is
 * renamed over that empty placeholder, which is ours alone; the only cost is a moment when the file is empty.
 */
async function publish(temp: string, final: string): Promise<boolean> {
  try {
    linkSync(temp, final);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EMLINK') throw err;
  }
  let placeholder;
  try {
    placeholder = await open(final, 'wx', FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  await placeholder.close();
  // Publish a flushed copy so the temp stays available should the caller need another name for the set.
  const copy = `${temp}.publish`;
  try {
    await copyFile(temp, copy, fsc.COPYFILE_EXCL);
    const h = await open(copy, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(copy, final);
  } catch (err) {
    await unlink(copy).catch(() => undefined);
    await unlink(final).catch(() => undefined);
    throw err;
  }
  return true;
}

/**
 * Writes the report in each format as `<stamp>-<operationId>.<ext>` in dir. All formats of one run share the
 * same name: when any of them is taken, the whole set moves to the next suffix (-2, -3, ...), undoing the
 * names it had already claimed. options.junitPath writes the JUnit file to that exact path instead, replacing
 * it atomically: CI jobs read a fixed path and a re-run must update it.
 */
export async function writeReportFiles(
  report: Report,
  dir: string,
  formats: ReportFormat[],
  options: { junitPath?: string; baseName?: string; scrub?: (text: string) => string } = {},
): Promise<Partial<Record<ReportFormat, string>>> {
  const unique = [...new Set(formats)];
  // One pass of one scrubber over every byte: the caller's (the CLI's, which knows every secret of the run), else the
  // one the report was built with.
  const scrub = options.scrub ?? scrubberOf(report);
  // Render everything first: a writer bug must not leave a partial set of files behind.
  const contents = new Map<ReportFormat, string>(unique.map((f) => [f, scrub(renderUnscrubbed(report, f))]));
  const paths: Partial<Record<ReportFormat, string>> = {};

  const junitElsewhere = options.junitPath !== undefined && contents.has('junit');
  const inDir = unique.filter((f) => !(junitElsewhere && f === 'junit'));
  const base = safeName(options.baseName ?? baseNameFor(report));

  if (inDir.length > 0) {
    await ensureDir(dir);
    const temps = new Map<ReportFormat, string>();
    try {
      // The temp files are written and flushed side by side; each one's fsync waits on the disk, not on the others.
      const written = await Promise.allSettled(inDir.map(async (f) => temps.set(f, await writeTemp(dir, `${base}.${EXTENSIONS[f]}`, contents.get(f)!))));
      const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failed) throw failed.reason;
      let published = false;
      for (let n = 1; n <= MAX_SUFFIX && !published; n++) {
        const stem = n === 1 ? base : `${base}-${n}`;
        const claimed: string[] = [];
        published = true;
        for (const f of inDir) {
          const final = join(dir, `${stem}.${EXTENSIONS[f]}`);
          if (await publish(temps.get(f)!, final)) {
            claimed.push(final);
            paths[f] = final;
          } else {
            published = false;
            break;
          }
        }
        if (!published) await Promise.all(claimed.map((p) => unlink(p).catch(() => undefined)));
      }
      if (!published) throw new ReportWriteError(dir, `no free file name for ${base} after ${MAX_SUFFIX} attempts`);
    } catch (err) {
      if (err instanceof ReportWriteError) throw err;
      const r = reason(err);
      throw new ReportWriteError(dir, r.text, r.code);
    } finally {
      for (const t of temps.values()) {
        try {
          unlinkSync(t);
        } catch {
          /* already gone */
        }
      }
    }
  }

  if (junitElsewhere) {
    const target = options.junitPath!;
    const targetDir = dirname(target);
    await ensureDir(targetDir);
    let temp: string | undefined;
    try {
      refuseSpecialTarget(target);
      temp = await writeTemp(targetDir, basename(target), contents.get('junit')!);
      await rename(temp, target);
      temp = undefined;
    } catch (err) {
      const r = reason(err);
      throw new ReportWriteError(r.code === 'ENOTREG' ? target : targetDir, r.text, r.code);
    } finally {
      if (temp) await unlink(temp).catch(() => undefined);
    }
    paths.junit = target;
  }
  return paths;
}

/** --junit PATH replaces a regular file there (CI overwrites last run's results), and nothing else. */
function refuseSpecialTarget(target: string): void {
  const why = notReplaceable(target);
  if (why) throw Object.assign(new Error(`${why}; name a new or regular file`), { code: 'ENOTREG' });
}

/** The library-facing name. */
export const writeReport = writeReportFiles;
