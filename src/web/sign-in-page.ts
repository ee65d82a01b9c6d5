import { html, type Html } from "./html.js";
import { notice } from "./layout.js";

/** The sign-in form: an API token (slipway token create NAME), sent in the body of a POST, never in a URL. */
export function renderSignIn(next: string, error?: string): Html {
  return html`<section class="signin">
    <h1>Sign in to Slipway</h1>
    ${error === undefined ? "" : notice("error", error)}
    <form method="post" action="/sign-in">
      <input type="hidden" name="next" value="${next}" />
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
      <p class="muted">Create one with <code>slipway token create NAME</code> (add <code>--read-only</code> for a token that can see and cannot act).</p>
      <button type="submit">Sign in</button>
    </form>
  </section>`;
}

/** Where to go after signing in: a path of this dashboard only, never another site. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\r\n]/.test(next)) return "/";
  return next;
}
