/**
 * A client on a bare TCP socket, for WebSocket handshakes written byte for byte (with whatever follows them
 * in the same write), and the few RFC 6455 frame pieces a test needs: masked client text frames and
 * unmasked server frames of up to 65,535 bytes.
 */
import { randomBytes } from 'node:crypto';
import { type Socket, connect } from 'node:net';

/** Long enough for a loaded machine; only ever waited out when a test is about to fail. */
const BOUND_MS = 10_000;

export class RawClient {
  readonly #socket: Socket;
  #received = Buffer.alloc(0);
  #ended = false;
  #wake: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    const wake = () => {
      for (const resolve of this.#wake) resolve();
      this.#wake = [];
    };
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      wake();
    });
    socket.on('error', () => {
      this.#ended = true;
      wake();
    });
  }

  static async connect(base: string): Promise<RawClient> {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Everything received so far. */
  get received(): Buffer {
    return this.#received;
  }

  write(bytes: string | Buffer): void {
    this.#socket.write(bytes);
  }

  /** Waits until `done(received, ended)` holds; throws naming `what` if it does not within a generous bound. */
  async until(what: string, done: (received: Buffer, ended: boolean) => boolean): Promise<Buffer> {
    const deadline = Date.now() + BOUND_MS;
    while (!done(this.#received, this.#ended)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`gave up waiting for ${what}; received ${JSON.stringify(this.text().slice(0, 600))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#received;
  }

  /** Resolves with everything received once the gateway has closed its side (EOF). */
  async untilEnd(): Promise<string> {
    await this.until('the end of the connection', (_received, ended) => ended);
    return this.text();
  }

  text(): string {
    return this.#received.toString('latin1');
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

/** A masked text frame (RFC 6455 5.2, 5.3), as a client must send it. */
export function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length > 125) throw new TypeError('clientTextFrame takes up to 125 bytes');
  const mask = randomBytes(4);
  const masked = payload.map((byte, index) => byte ^ (mask[index % 4] as number));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** The complete unmasked frames at the start of `bytes`. */
export function serverFrames(bytes: Buffer): Frame[] {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = (bytes[offset] as number) & 0x0f;
    let length = (bytes[offset + 1] as number) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    }
    if (length === 127 || start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    offset = start + length;
  }
  return frames;
}

/** Where a response head ends in `bytes` (just past the blank line), or -1. */
export function headEnd(bytes: Buffer): number {
  const end = bytes.indexOf('\r\n\r\n');
  return end === -1 ? -1 : end + 4;
}
