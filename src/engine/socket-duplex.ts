import { Duplex } from "node:stream";

/**
 * A Duplex that node:http's client can take as its socket (createConnection): an idle timeout
 * as net.Socket's (`setTimeout`, restarted by `touch` whenever bytes pass), and the socket
 * options the client sets, which a stream that is no TCP socket has no use for.
 */
export class SocketDuplex extends Duplex {
  #timer: NodeJS.Timeout | undefined;
  #timeoutMs = 0;

  /** As net.Socket's: emits "timeout" after `ms` without bytes either way; 0 turns it off. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.#timeoutMs = ms;
    if (onTimeout !== undefined) this.once("timeout", onTimeout);
    this.touch();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** Bytes passed: the idle timeout starts again. */
  protected touch(): void {
    this.stopTimer();
    this.#timer = this.#timeoutMs > 0 ? setTimeout(() => this.emit("timeout"), this.#timeoutMs) : undefined;
  }

  protected stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
