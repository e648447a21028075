// Browser tests of the web player (index.html) in Debian's headless Chromium, driven by
// playwright-core, over packages that scripts/browser-tests.sh builds into $PLAYER_OUT.
// Every test runs twice: from a static HTTP server on 127.0.0.1 and from file://.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = process.env.PLAYER_SCREENSHOTS || os.tmpdir();

const OUT = process.env.PLAYER_OUT;
if (!OUT) {
  throw new Error('PLAYER_OUT is not set: run scripts/browser-tests.sh, which builds the packages first');
}

/** The package built from `sourceFile`, found by its manifest. */
function findPackage(sourceFile) {
  for (const name of fs.readdirSync(OUT)) {
    const manifestPath = path.join(OUT, name, 'manifest.json');
    if (!fs.existsSync(manifestPath)) continue;
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    if (manifest.source.file === sourceFile) return { dir: name, manifest };
  }
  throw new Error(`no package built from ${sourceFile} in ${OUT}`);
}

/** The reference leaflet (../shared/leaflets/osseointegration.txt) when it was built, else the example. */
function reference() {
  try {
    return findPackage('osseointegration.txt');
  } catch {
    return findPackage('carpal-tunnel.txt');
  }
}

const example = reference();
const hostile = findPackage('pdf-markup-emoji-and-rtl-in-headings.txt');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.wav': 'audio/wav',
  '.vtt': 'text/vtt; charset=utf-8',
  '.json': 'application/json',
  '.m3u8': 'audio/x-mpegurl',
};

/** A static file server like any other: GET and HEAD, with byte ranges (media seeking needs them). */
function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const size = fs.statSync(file).size;
    const headers = {
      'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Accept-Ranges': 'bytes',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (range) {
      start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
      end = range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
    headers['Content-Length'] = end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
    } else {
      fs.createReadStream(file, { start, end }).pipe(res);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let browser;
let server;
let httpBase;

before(async () => {
  server = await serve(path.resolve(OUT));
  httpBase = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives each launch a new empty profile (it refuses --user-data-dir here).
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required', '--mute-audio',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

const ORIGINS = {
  http: (pkg) => `${httpBase}${encodeURIComponent(pkg.dir)}/`,
  file: (pkg) => pathToFileURL(path.join(path.resolve(OUT), pkg.dir)).href + '/',
};

/**
 * A fresh browser context (so a fresh localStorage) on the package's page. Every request the
 * page makes is recorded, and script errors fail the test when `done` is called.
 */
async function open(base, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} for ${r.url()}`); });
  await page.goto(base + 'index.html');
  await page.locator('#player').waitFor({ state: 'visible' });
  const done = async () => {
    await context.close();
    assert.deepEqual(errors, [], 'the page logged errors');
    const outside = requests.filter((u) => !u.startsWith(base) && u !== 'data:,');
    assert.deepEqual(outside, [], 'the page fetched something outside its own folder');
  };
  return { page, context, done };
}

const audioState = (page) => page.evaluate(() => {
  const a = document.getElementById('audio');
  return {
    src: decodeURIComponent(a.currentSrc),
    paused: a.paused,
    time: a.currentTime,
    rate: a.playbackRate,
    ready: a.readyState,
  };
});

/** Waits until the audio element plays `file` and its time has moved past `after`. */
async function waitPlaying(page, file, afterTime = 0) {
  await page.waitForFunction(([name, t]) => {
    const a = document.getElementById('audio');
    return decodeURIComponent(a.currentSrc).endsWith('/' + name) && !a.paused && a.currentTime > t;
  }, [file, afterTime], { timeout: 10_000 });
}

async function waitPaused(page) {
  await page.waitForFunction(() => {
    const a = document.getElementById('audio');
    return a.paused && a.readyState >= 1;
  }, null, { timeout: 10_000 });
}

const nowText = (page) => page.locator('#now').textContent();
const chapters = example.manifest.chapters;
const announcement = (c) => `Chapter ${c.index} of ${chapters.length}: ${c.title}`;

for (const [origin, baseFor] of Object.entries(ORIGINS)) {
  describe(`web player from ${origin}`, () => {
    test('a click on chapter 3 plays chapter 3', async () => {
      const { page, done } = await open(baseFor(example));
      await page.locator('a.chapter').nth(2).click();
      await waitPlaying(page, chapters[2].file, 0.3);
      const state = await audioState(page);
      assert.ok(state.src.endsWith('/' + chapters[2].file), state.src);
      assert.equal(await nowText(page), announcement(chapters[2]));
      assert.equal(await page.locator('a.chapter[aria-current]').count(), 1);
      assert.equal(await page.locator('a.chapter').nth(2).getAttribute('aria-current'), 'true');
      assert.equal(await page.locator('#play').textContent(), 'Pause');
      await done();
    });

    test('the keyboard moves between chapters, announced to screen readers', async () => {
      const { page, done } = await open(baseFor(example));
      await page.keyboard.press('n');
      await waitPlaying(page, chapters[1].file);
      assert.equal(await nowText(page), announcement(chapters[1]));
      await page.keyboard.press('N');
      await waitPlaying(page, chapters[2].file);
      assert.equal(await nowText(page), announcement(chapters[2]));
      await page.keyboard.press('p');
      await waitPlaying(page, chapters[1].file);
      assert.equal(await nowText(page), announcement(chapters[1]));
      assert.equal(await page.locator('#now').getAttribute('aria-live'), 'polite');

      await page.keyboard.press('k');
      await waitPaused(page);
      await page.keyboard.press(' ');
      await waitPlaying(page, chapters[1].file);

      // The shortcuts can be turned off (WCAG 2.1.4): then N does nothing.
      await page.locator('#keys-on').uncheck();
      await page.locator('body').press('n');
      await page.waitForTimeout(300);
      assert.ok((await audioState(page)).src.endsWith('/' + chapters[1].file));
      assert.equal(await nowText(page), announcement(chapters[1]));
      await done();
    });

    test('skips 10 s either way and changes speed', async () => {
      const { page, done } = await open(baseFor(example));
      const longest = chapters.reduce((a, b) => (b.duration_s > a.duration_s ? b : a));
      assert.ok(longest.duration_s > 15, 'the example needs a chapter longer than 15 s');
      await page.locator('a.chapter').nth(longest.index - 1).click();
      await waitPlaying(page, longest.file);
      await page.keyboard.press('k');
      await waitPaused(page);
      const t0 = (await audioState(page)).time;
      await page.keyboard.press('l');
      assert.ok(Math.abs((await audioState(page)).time - (t0 + 10)) < 0.25);
      await page.keyboard.press('ArrowLeft');
      assert.ok(Math.abs((await audioState(page)).time - t0) < 0.25);
      await page.locator('#forward').click();
      assert.ok(Math.abs((await audioState(page)).time - (t0 + 10)) < 0.25);
      await page.locator('#back').click();
      await page.keyboard.press('j');
      assert.equal((await audioState(page)).time, 0, 'back past the start stops at the start');
      assert.equal(await page.locator('#elapsed').textContent(), '0:00');

      await page.keyboard.press(']');
      assert.equal((await audioState(page)).rate, 1.25);
      assert.equal(await page.locator('#notice').textContent(), 'Speed 1.25 times');
      await page.locator('#speed').selectOption('2');
      assert.equal((await audioState(page)).rate, 2);
      await page.locator('body').press('[');
      assert.equal((await audioState(page)).rate, 1.75);
      assert.equal(await page.locator('#speed').inputValue(), '1.75');
      // A new chapter keeps the chosen speed.
      await page.locator('a.chapter').first().click();
      await waitPlaying(page, chapters[0].file);
      assert.equal((await audioState(page)).rate, 1.75);
      await done();
    });

    test('remembers the chapter and time across a reload, and offers to resume', async () => {
      const { page, done } = await open(baseFor(example));
      assert.ok(await page.locator('#resume').isHidden(), 'nothing to resume on a first visit');
      await page.locator('a.chapter').nth(3).click();
      await waitPlaying(page, chapters[3].file);
      await page.keyboard.press('k');
      await waitPaused(page);
      await page.keyboard.press('l');
      const saved = (await audioState(page)).time;
      assert.ok(saved >= 10);

      await page.reload();
      await page.locator('#resume').waitFor({ state: 'visible' });
      const prompt = await page.locator('#resume-text').textContent();
      const title = chapters[3].title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(prompt, new RegExp(`^You stopped 1\\d seconds into chapter 4: ${title}$`));
      assert.equal(await nowText(page), announcement(chapters[3]));
      await page.getByRole('button', { name: 'Resume' }).click();
      await waitPlaying(page, chapters[3].file, saved - 0.2);
      assert.ok(await page.locator('#resume').isHidden());

      // Starting again from the beginning forgets the position.
      await page.keyboard.press('k');
      await waitPaused(page);
      await page.reload();
      await page.getByRole('button', { name: 'Start from the beginning' }).click();
      await waitPlaying(page, chapters[0].file);
      assert.ok((await audioState(page)).time < 5);
      await done();
    });

    test('plays the next chapter when one ends, and says when the leaflet ends', async () => {
      const { page, done } = await open(baseFor(example));
      const last = chapters.length - 1;
      await page.locator('a.chapter').nth(last - 1).click();
      await waitPlaying(page, chapters[last - 1].file);
      await page.evaluate(() => {
        const a = document.getElementById('audio');
        a.currentTime = a.duration - 0.3;
      });
      await waitPlaying(page, chapters[last].file);
      assert.equal(await nowText(page), announcement(chapters[last]));
      await page.evaluate(() => {
        const a = document.getElementById('audio');
        a.currentTime = a.duration - 0.3;
      });
      await page.waitForFunction(() => document.getElementById('notice').textContent === 'End of the leaflet.');
      assert.ok((await audioState(page)).paused);
      await done();
    });

    test('hostile titles stay text: markup, quotes, emoji and right-to-left', async () => {
      const { page, done } = await open(baseFor(hostile));
      const m = hostile.manifest;
      assert.equal(await page.locator('h1').textContent(), m.title);
      assert.equal(await page.title(), `${m.title} (Audio version)`);
      const titles = await page.locator('a.chapter .chapter-title').allTextContents();
      assert.deepEqual(titles, m.chapters.map((c) => c.title));
      assert.equal(await page.locator('script').count(), 2, 'no title opened or closed a script');
      assert.equal(await page.locator('a.chapter b, a.chapter water').count(), 0);
      // The subsection is nested under its section.
      assert.equal(await page.locator('ol.chapters > li > ol > li > a.chapter').count(), 1);
      await page.locator('a.chapter').nth(1).click();
      await waitPlaying(page, m.chapters[1].file);
      assert.equal(await nowText(page), `Chapter 2 of ${m.chapters.length}: ${m.chapters[1].title}`);
      await done();
    });

    test('axe-core finds no serious or critical problems, light and dark', async () => {
      for (const colorScheme of ['light', 'dark']) {
        const { page, context, done } = await open(baseFor(example), { colorScheme });
        // Audit the resume offer too: remember a position, then reload.
        await page.locator('a.chapter').nth(1).click();
        await waitPlaying(page, chapters[1].file);
        await page.keyboard.press('k');
        await waitPaused(page);
        await page.reload();
        await page.locator('#resume').waitFor({ state: 'visible' });
        await page.addScriptTag({ path: AXE_PATH });
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
          }));
        });
        for (const v of violations) console.log(`axe (${origin}, ${colorScheme}):`, JSON.stringify(v));
        const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad, [], `serious or critical axe violations (${colorScheme})`);
        if (origin === 'file') {
          await page.screenshot({ path: path.join(SCREENSHOTS, `audio-leaflet-player-${colorScheme}.png`), fullPage: true });
        }
        assert.equal(context.pages().length, 1);
        await done();
      }
    });

    test('the skip link and the focus ring are visible to keyboard users', async () => {
      const { page, done } = await open(baseFor(example));
      await page.keyboard.press('Tab');
      const skip = page.locator('a.skip-link');
      assert.ok(await skip.evaluate((el) => el === document.activeElement));
      const box = await skip.boundingBox();
      assert.ok(box && box.y >= 0, 'the focused skip link is on screen');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { tag: document.activeElement.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      assert.equal(ring.tag, 'BUTTON');
      assert.equal(ring.style, 'solid');
      assert.ok(ring.width >= 3, `focus outline ${ring.width}px`);
      await done();
    });
  });
}
