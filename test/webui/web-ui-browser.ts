import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core, on a Temporal Web UI. The UI is a single-page app that loads each
 * route's code on first use: on a cold machine the first page of a route takes many seconds, more than a test's
 * waits allow for what they check. So a test file opens one browser context, visits the routes its tests use once
 * with a generous time limit, and opens its pages in that context, which keeps the loaded code in its cache.
 */

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (npm test does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A browser context that has already shown each of these UI pages: every one loaded and rendered its first heading
 * (the list's "N Workflows", a workflow's id), within timeoutMs for them all. A dev server's UI starts listening a
 * moment after its frontend answers, so a refused connection is retried until then.
 */
export async function warmedContext(browser: Browser, urls: string[], timeoutMs = 120_000): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
  const page = await context.newPage();
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  try {
    for (const url of urls) {
      for (;;) {
        const loaded = await page.goto(url, { timeout: left() }).then(
          () => true,
          (error: Error) => {
            if (Date.now() < deadline && error.message.includes('ERR_CONNECTION_REFUSED')) return false;
            throw new Error(`the Web UI did not load ${url} in ${timeoutMs} ms: ${error.message}`);
          },
        );
        if (loaded) break;
        await page.waitForTimeout(250);
      }
      await page.getByRole('heading').first().waitFor({ timeout: left() });
    }
  } finally {
    await page.close();
  }
  return context;
}

/**
 * Waits until one of the UI's markdown frames shows the text. Summaries and details are markdown that the UI renders
 * in sandboxed frames; the page itself is not searched, because the history timeline shows the same summaries as
 * plain labels, and finding them there proves nothing about the frames.
 */
export async function waitForFrameText(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = page.frames().filter((frame) => frame !== page.mainFrame());
    const texts = await Promise.all(frames.map((frame) => frame.innerText('body').catch(() => '')));
    if (texts.some((body) => body.replace(/\s+/g, ' ').includes(text))) return;
    if (Date.now() > deadline) throw new Error(`no markdown frame of ${page.url()} shows "${text}"`);
    await page.waitForTimeout(250);
  }
}
