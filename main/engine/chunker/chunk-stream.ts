/**
 * Cuts a file into chunks while reading it into one reused buffer (no per-chunk allocation: fresh
 * large buffers are expensive on this class of VM). Each chunk handed to `onChunk` is a view into
 * that buffer and is valid only until `onChunk` returns (or its promise settles).
 *
 * Reads are synchronous on purpose: a libuv thread-pool round trip per read costs more than the read
 * itself for the small files that dominate a workstation (measured: 24k files, see README bench).
 * The backup runs off the UI thread, so blocking briefly is harmless.
 */
import { readSync } from 'node:fs';
import type { Chunker } from './fastcdc.js';

export class ChunkReader {
  private readonly buf: Buffer;

  constructor(private readonly chunker: Chunker) {
    // 2x max: each refill reads at least max bytes after compacting at most max bytes (a memcpy at
    // ~10 GB/s, negligible); 3x would copy less but keeps 8 MiB more resident.
    this.buf = Buffer.allocUnsafe(chunker.params.maxSize * 2);
  }

  /** Reads file descriptor `fd` from offset 0 to EOF; returns the number of bytes read. */
  async read(fd: number, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<number> {
    const buf = this.buf;
    const max = this.chunker.params.maxSize;
    let filled = 0;
    let pos = 0;
    let eof = false;
    let filePos = 0;
    for (;;) {
      if (!eof && filled - pos < max) {
        if (pos > 0) {
          buf.copyWithin(0, pos, filled);
          filled -= pos;
          pos = 0;
        }
        while (filled < buf.length) {
          const n = readSync(fd, buf, filled, buf.length - filled, filePos);
          if (n === 0) {
            eof = true;
            break;
          }
          filled += n;
          filePos += n;
        }
      }
      const available = filled - pos;
      if (available === 0) return filePos;
      const len = this.chunker.cut(buf, pos, available);
      const r = onChunk(buf.subarray(pos, pos + len));
      if (r) await r;
      pos += len;
    }
  }
}
