// A file replaced whole or not at all: the text goes to a temp file beside it (a name no other writer
// uses, so processes can write the same file at once), which is then renamed over it. A reader sees
// the old file or the new one, never part of either; a failed write leaves the old file and no temp
// file behind.
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export interface AtomicWriteOptions {
  /** Flush the text to disk before the rename, so a crash just after it still finds the new file. */
  fsync?: boolean;
  /** The new file's mode (default 0o666, less the umask). */
  mode?: number;
}

/** Replaces `file` with `text` atomically; throws what failed (the directory must exist). */
export function writeFileAtomically(file: string, text: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const temp = `${file}.${randomUUID()}.tmp`;
  const fd = openSync(temp, 'w', options.mode ?? 0o666);
  try {
    try {
      writeFileSync(fd, text);
      if (options.fsync === true) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
