/** One challenge from a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  /** Lowercased: "basic", "bearer", … */
  readonly scheme: string;
  /** Parameter names lowercased, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses a WWW-Authenticate header (RFC 9110 §11.6.1) into its challenges. Several challenges
 * may share one header, separated by commas; a parameter value is a token or a quoted string.
 * Whatever cannot be read ends the parse; what was read so far is returned.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const scanner = new Scanner(header);
  const challenges: AuthChallenge[] = [];
  let current: { scheme: string; params: Record<string, string> } | undefined;
  while (scanner.skip(/^[\s,]*/) && !scanner.done()) {
    const name = scanner.take(TOKEN);
    if (name === undefined) break;
    scanner.skip(/^\s*/);
    if (scanner.peek() === "=" && current !== undefined) {
      scanner.skip(/^=\s*/);
      const value = scanner.peek() === '"' ? scanner.quoted() : scanner.take(TOKEN);
      if (value === undefined) break;
      current.params[name.toLowerCase()] = value;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    // token68 form (`Negotiate abc==`): keep it whole, under no name.
    const token68 = scanner.take(/^[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/);
    if (token68 !== undefined) current.params[""] = token68;
  }
  return challenges;
}

/** The first challenge of a scheme ("basic", "bearer"). */
export function findChallenge(challenges: readonly AuthChallenge[], scheme: string): AuthChallenge | undefined {
  return challenges.find((challenge) => challenge.scheme === scheme);
}

class Scanner {
  #rest: string;

  constructor(text: string) {
    this.#rest = text;
  }

  done(): boolean {
    return this.#rest.length === 0;
  }

  peek(): string | undefined {
    return this.#rest[0];
  }

  skip(pattern: RegExp): true {
    this.take(pattern);
    return true;
  }

  take(pattern: RegExp): string | undefined {
    const match = pattern.exec(this.#rest);
    if (match === null || match[0] === "") return undefined;
    this.#rest = this.#rest.slice(match[0].length);
    return match[0];
  }

  /** A quoted string starting at the cursor, with backslash escapes undone. */
  quoted(): string | undefined {
    let value = "";
    for (let i = 1; i < this.#rest.length; i += 1) {
      const char = this.#rest[i];
      if (char === "\\") {
        i += 1;
        value += this.#rest[i] ?? "";
        continue;
      }
      if (char === '"') {
        this.#rest = this.#rest.slice(i + 1);
        return value;
      }
      value += char;
    }
    return undefined;
  }
}
