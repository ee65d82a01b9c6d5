import { fstatSync } from "node:fs";

/**
 * Whether `slipway run` forwards stdin, like `docker run -i`: yes for a terminal, a pipe, a
 * file or a socket; no for /dev/null or another device (cron's stdin), or a closed stdin.
 */
export function shouldAttachStdin(fd = 0, isTTY = process.stdin.isTTY === true): boolean {
  if (isTTY) return true;
  try {
    const stats = fstatSync(fd);
    return stats.isFIFO() || stats.isFile() || stats.isSocket();
  } catch {
    return false;
  }
}
