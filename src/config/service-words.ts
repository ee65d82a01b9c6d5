/**
 * Splits a command written as one string into argv words with POSIX shell quoting rules:
 * whitespace separates words, '...' keeps everything literally, "..." keeps everything but
 * lets a backslash escape $ ` " \ and newline, and an unquoted backslash escapes the next
 * character. Nothing is expanded ($HOME stays $HOME) and nothing is executed.
 *
 * Unquoted shell operators (| & ; < > ( ) `) and a # starting a word are refused: a shell would treat them as
 * pipes, redirections or command lists, and Slipway never runs a shell, so the command
 * would silently do something else. Write [sh, -c, "a | b"] to run a shell on purpose.
 */
export type WordsResult = { readonly ok: true; readonly words: readonly string[] } | { readonly ok: false; readonly message: string };

const OPERATORS = new Set(["|", "&", ";", "<", ">", "(", ")", "`"]);
const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPABLE_IN_DOUBLE = new Set(["$", "`", '"', "\\", "\n"]);

interface Scan {
  readonly text: string;
  index: number;
}

export function splitWords(text: string): WordsResult {
  const scan: Scan = { text, index: 0 };
  const words: string[] = [];
  let word: string | undefined;
  while (scan.index < text.length) {
    const char = text.charAt(scan.index);
    if (WHITESPACE.has(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      scan.index += 1;
      continue;
    }
    if (OPERATORS.has(char)) return operatorError(char, scan.index);
    if (char === "#" && word === undefined) return commentError(scan.index);
    const part = char === "'" ? singleQuoted(scan) : char === '"' ? doubleQuoted(scan) : char === "\\" ? escaped(scan) : plain(scan);
    if (typeof part !== "string") return part;
    word = (word ?? "") + part;
  }
  if (word !== undefined) words.push(word);
  return { ok: true, words };
}

function singleQuoted(scan: Scan): string | WordsResult {
  const start = scan.index;
  const end = scan.text.indexOf("'", start + 1);
  if (end === -1) return unbalanced("'", start);
  scan.index = end + 1;
  return scan.text.slice(start + 1, end);
}

function doubleQuoted(scan: Scan): string | WordsResult {
  const start = scan.index;
  let out = "";
  scan.index += 1;
  while (scan.index < scan.text.length) {
    const char = scan.text.charAt(scan.index);
    if (char === '"') {
      scan.index += 1;
      return out;
    }
    const next = scan.text.charAt(scan.index + 1);
    if (char === "\\" && ESCAPABLE_IN_DOUBLE.has(next)) {
      if (next !== "\n") out += next;
      scan.index += 2;
      continue;
    }
    out += char;
    scan.index += 1;
  }
  return unbalanced('"', start);
}

function escaped(scan: Scan): string | WordsResult {
  if (scan.index + 1 >= scan.text.length) {
    return { ok: false, message: `the command ends with a lone backslash (at character ${scan.index + 1}); write \\\\ for a backslash` };
  }
  const next = scan.text.charAt(scan.index + 1);
  scan.index += 2;
  return next === "\n" ? "" : next;
}

function plain(scan: Scan): string {
  const start = scan.index;
  while (scan.index < scan.text.length) {
    const char = scan.text.charAt(scan.index);
    if (WHITESPACE.has(char) || OPERATORS.has(char) || char === "'" || char === '"' || char === "\\") break;
    scan.index += 1;
  }
  return scan.text.slice(start, scan.index);
}

function unbalanced(quote: string, index: number): WordsResult {
  return { ok: false, message: `the quote ${quote} at character ${index + 1} is never closed` };
}

function operatorError(char: string, index: number): WordsResult {
  return {
    ok: false,
    message:
      `"${char}" at character ${index + 1} is a shell operator, but Slipway runs commands without a shell; ` +
      `quote it to pass it as an argument, or write the command as a list like [sh, -c, "..."] to run a shell`,
  };
}

function commentError(index: number): WordsResult {
  return {
    ok: false,
    message: `"#" at character ${index + 1} would start a comment in a shell; quote it to pass it as an argument, or remove the comment`,
  };
}
