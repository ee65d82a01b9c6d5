/**
 * HTML built by tagged templates: every interpolated value is escaped unless it is already
 * Html (another template's result, or `raw` markup Slipway wrote itself). So a page can only
 * show what the store or an engine says as text, never as markup.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(part: Part): string {
  if (part instanceof Html) return part.text;
  if (part === undefined || part === null || part === false) return "";
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part as string | number | boolean));
}

export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Markup Slipway wrote itself (an SVG drawn by the server); never anything from outside. */
export function raw(markup: string): Html {
  return new Html(markup);
}
