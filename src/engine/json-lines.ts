import { StringDecoder } from "node:string_decoder";

/**
 * Reads a stream of newline-separated JSON values (the engine's progress and event
 * streams), yielding each parsed value. Lines that are not JSON are skipped.
 */
export async function* readJsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder("utf8");
  let buffer = "";
  for await (const chunk of stream) {
    buffer += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      const value = parseLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      if (value !== undefined) yield value;
      newline = buffer.indexOf("\n");
    }
  }
  const last = parseLine(buffer + decoder.end());
  if (last !== undefined) yield last;
}

function parseLine(line: string): unknown {
  const text = line.trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
