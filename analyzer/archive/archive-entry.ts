/** One member of a snapshot as an archive reader yields it, before any interpretation. */
export interface ArchiveEntry {
  /** Raw name, top folder included (e.g. "nodesnap-web-1-20240501T000000Z/uname/uname.txt"). */
  name: string;
  /** tar entry type: 'file', 'directory', 'symlink', 'link', 'character-device', 'fifo'... */
  type: string;
  /** Declared size in bytes (the tar header's claim; the loader checks it before reading). */
  size: number;
  /**
   * The member's bytes. Must be consumed (or drained) before asking for the next entry, and only
   * once. Non-file entries have an empty body.
   */
  body: AsyncIterable<Buffer>;
  /** Set when this part of the input could not be read (a folder's unlistable subfolder); type is then 'error'. */
  error?: string;
}

/** What reading the input as a whole found: the key for idempotent re-analysis. */
export interface InputDigest {
  /** sha256 of the raw input bytes; null for folders (the loader hashes their members) or when unreadable. */
  sha256: string | null;
  bytes: number;
}

export interface ArchiveReader {
  readonly kind: 'tarball' | 'folder';
  /** Entries in archive order. Throws ArchiveReadError when the archive itself cannot be read on. */
  entries(): AsyncGenerator<ArchiveEntry, void, undefined>;
  /** After entries() ended or failed: hashes whatever of the raw input was not read yet. */
  digest(): Promise<InputDigest>;
}

/**
 * The archive could not be read (on): not a tar, truncated, corrupt compressed data, an I/O error.
 * `fatal`: nothing more can be read from this input (a tarball's single stream is broken); a folder
 * member that cannot be read is not fatal, the next file can still be opened.
 */
export class ArchiveReadError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}
