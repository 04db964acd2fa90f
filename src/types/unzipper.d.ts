/** The part of unzipper (exceljs's own ZIP reader, used the same way by lib/rows.ts) that Bastion calls. */
declare module 'unzipper' {
  import type { Duplex, PassThrough } from 'node:stream';
  export interface Entry extends PassThrough {
    path: string;
    type: 'File' | 'Directory';
    vars: { compressionMethod: number; compressedSize: number; uncompressedSize: number; flags: number };
    autodrain(): unknown;
  }
  /** A stream of the entries, read from the local headers in file order (as exceljs reads them). */
  export function Parse(opts?: { forceStream?: boolean; verbose?: boolean }): Duplex & AsyncIterable<Entry>;
  const unzipper: { Parse: typeof Parse };
  export default unzipper;
}
