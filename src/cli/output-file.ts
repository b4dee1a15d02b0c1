// --output: checked before the analysis starts (a long run must not end in "cannot write"), then
// written atomically (a temporary file renamed into place), so a reader never sees half a report.
import { accessSync, constants, rmSync, statSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** A failed write or stat in words a user knows. */
export function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EPIPE') return 'the reader has gone';
  if (code === 'EIO') return 'input/output error';
  return (err as Error).message;
}

/** Throws a UsageError naming --output when the report could not be written there. */
export function checkOutput(path: string): void {
  const dir = dirname(resolve(path));
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    throw new UsageError(`--output ${path}: ${dir}: ${why(err)}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--output ${path}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`--output ${path}: cannot write in ${dir}: ${why(err)}`);
  }
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`--output ${path}: is a folder`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
}

export function writeAtomically(path: string, text: string): void {
  // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written to, never replaced: a
  // rename would put a plain file where the device was.
  const st = statSync(path, { throwIfNoEntry: false });
  if (st && !st.isFile()) {
    try {
      writeFileSync(path, text);
    } catch (err) {
      throw new UsageError(`--output ${path}: cannot write the report: ${why(err)}`);
    }
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UsageError(`--output ${path}: cannot write the report: ${why(err)}`);
  }
}
