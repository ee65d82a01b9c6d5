/**
 * When whoever reads the CLI's output stops reading (`slipway pipeline history | head -1`), a
 * write fails with EPIPE. Node ignores SIGPIPE, so that failure would surface as an unhandled
 * 'error' event with a stack trace. The CLI instead stops at once and quietly, as a Unix tool
 * stopped by SIGPIPE does, with exit status 0: the reader had what it wanted. Any other error of
 * the stream is left to Node, as before.
 */
export interface OutputStream {
  on(event: "error", listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export function stopQuietlyWhenOutputCloses(
  streams: readonly OutputStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = process.exit,
): void {
  for (const stream of streams) {
    stream.on("error", (error) => {
      if (error.code !== "EPIPE") throw error;
      exit(0);
    });
  }
}
