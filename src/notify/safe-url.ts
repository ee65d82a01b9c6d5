/** A URL as logs may show it: only its host (a Slack webhook URL is itself the secret). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an unreadable URL";
  }
}

/** A URL as logs may show it: origin and path, without user info, query or fragment. */
export function originAndPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "an unreadable URL";
  }
}
