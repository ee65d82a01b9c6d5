import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's chromium, as ../shared/ENVIRONMENT.md has it (the setup scripts install it). */
export const CHROMIUM = "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** Where the test run writes its screenshots: $SLIPWAY_SCREENSHOTS, else a folder under the temp dir (docs/dashboard.md shows copies). */
export function screenshotDir(): string {
  const dir = process.env.SLIPWAY_SCREENSHOTS ?? join(tmpdir(), "slipway-screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true });
}

/** Marks the window, so a later check can tell the page was not reloaded (a reload makes a new window object). */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate('window.slipwayMark = "not reloaded"');
}

export async function windowMarked(page: Page): Promise<boolean> {
  return (await page.evaluate('window.slipwayMark === "not reloaded"')) === true;
}
