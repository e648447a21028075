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
import { launchChromium } from './chromium.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
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
  browser = await launchChromium();
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

/** The passages of the text as the page has them, in document order. */
const passagesIn = (page) => page.evaluate(() => Array.from(document.querySelectorAll('a.passage'), (a) => ({
  chapter: Number(a.dataset.chapter),
  start: Number(a.dataset.start),
  end: Number(a.dataset.end),
  text: a.textContent,
})));

/**
 * Samples, at every animation frame for `ms` milliseconds, the audio's time and the passage
 * marked as being read: what a reader sees, frame by frame.
 */
const sampleHighlight = (page, ms) => page.evaluate((duration) => new Promise((resolve) => {
  const audio = document.getElementById('audio');
  const samples = [];
  const t0 = performance.now();
  const frame = () => {
    const marked = document.querySelectorAll('a.passage.speaking');
    const el = marked[0];
    samples.push({
      t: audio.currentTime,
      paused: audio.paused,
      src: decodeURIComponent(audio.currentSrc),
      marked: marked.length,
      current: document.querySelectorAll('a.passage[aria-current]').length,
      chapter: el ? Number(el.dataset.chapter) : null,
      start: el ? Number(el.dataset.start) : null,
    });
    if (performance.now() - t0 < duration) requestAnimationFrame(frame); else resolve(samples);
  };
  requestAnimationFrame(frame);
}), ms);

/**
 * How far (seconds) the highlight is from the audio in one sample: 0 when it marks the passage
 * being read (the last one started; the pause after a passage is its own), else how long ago
 * the right one started (behind) or how far ahead the marked one starts.
 */
function highlightLag(sample, list) {
  const expected = list.filter((p) => p.start <= sample.t).pop() ?? null;
  if (sample.start === (expected ? expected.start : null)) return 0;
  if (expected && (sample.start === null || sample.start < expected.start)) return sample.t - expected.start;
  return sample.start - sample.t;
}

/** Waits until the page has stopped scrolling (a smooth scroll runs on after its target shows). */
const scrollSettled = (page) => page.evaluate(() => new Promise((resolve) => {
  let last = window.scrollY;
  const check = () => setTimeout(() => {
    if (window.scrollY === last) resolve(last); else { last = window.scrollY; check(); }
  }, 250);
  check();
}));

/** Whether the element is wholly in the viewport. */
const wholeOnScreen = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
});
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
      // The text is the leaflet's, as text.
      const texts = (await passagesIn(page)).map((p) => p.text);
      assert.deepEqual(texts, m.chapters.flatMap((c) => c.utterances.map((u) => u.text)));
      assert.equal(await page.locator('#text b, #text water, #text script').count(), 0);
      await page.locator('a.chapter').nth(1).click();
      await waitPlaying(page, m.chapters[1].file);
      assert.equal(await nowText(page), `Chapter 2 of ${m.chapters.length}: ${m.chapters[1].title}`);
      await done();
    });

    test('axe-core finds no violations at all, light and dark, normal and high contrast', async () => {
      for (const [colorScheme, contrast] of [['light', false], ['dark', false], ['light', true], ['dark', true]]) {
        const theme = `${colorScheme}${contrast ? '-contrast' : ''}`;
        const { page, context, done } = await open(baseFor(example), { colorScheme });
        // Audit the resume offer and the highlighted passage too: play into a chapter,
        // remember the position, then reload.
        await page.locator('a.chapter').nth(1).click();
        await waitPlaying(page, chapters[1].file, 1.5);
        await page.keyboard.press('k');
        await waitPaused(page);
        if (contrast) await page.locator('#high-contrast').click();
        await page.reload();
        await page.locator('#resume').waitFor({ state: 'visible' });
        assert.equal(await page.locator('a.passage.speaking').count(), 1, 'a passage is highlighted');
        assert.equal(await page.evaluate(() => document.documentElement.classList.contains('high-contrast')), contrast);
        await page.addScriptTag({ path: AXE_PATH });
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
          }));
        });
        for (const v of violations) console.log(`axe (${origin}, ${theme}):`, JSON.stringify(v));
        assert.deepEqual(violations, [], `axe violations (${theme})`);
        if (origin === 'file') {
          await page.screenshot({ path: path.join(SCREENSHOTS, `audio-leaflet-player-${theme}.png`), fullPage: true });
        }
        assert.equal(context.pages().length, 1);
        await done();
      }
    });

    test('the highlight follows the audio within 100 ms, at 1x and 2x', async () => {
      const { page, done } = await open(baseFor(example));
      const all = await passagesIn(page);
      assert.equal(all.length, chapters.reduce((n, c) => n + c.utterances.length, 0), 'a passage per utterance');
      // The chapter with the most passages; playback from half a second before each
      // boundary between them to past it, at 1x and then at 2x.
      const counts = chapters.map((_, i) => all.filter((p) => p.chapter === i).length);
      const position = counts.indexOf(Math.max(...counts));
      const chapter = chapters[position];
      const list = all.filter((p) => p.chapter === position);
      assert.ok(list.length >= 4, 'a chapter has passages to follow');
      await page.locator(`a.passage[data-chapter="${position}"]`).first().click();
      await waitPlaying(page, chapter.file);
      const samples = [];
      const boundaries = list.slice(1).map((p) => p.start);
      for (const [i, boundary] of boundaries.entries()) {
        if (i === Math.floor(boundaries.length / 2)) await page.locator('#speed').selectOption('2');
        await page.evaluate((t) => { document.getElementById('audio').currentTime = t; }, Math.max(0, boundary - 0.5));
        samples.push(...await sampleHighlight(page, 800));
      }
      const playing = samples.filter((s) => !s.paused && s.src.endsWith('/' + chapter.file));
      assert.ok(playing.length > 100, `${playing.length} frames sampled while playing`);
      for (const s of playing) {
        assert.equal(s.marked, 1, 'one passage marked at a time');
        assert.equal(s.current, 1, 'and it alone is aria-current');
        assert.equal(s.chapter, position);
      }
      // Each boundary was crossed by playing, not by seeking.
      const crossed = boundaries.filter((b) => playing.some((s, i) => i > 0 && playing[i - 1].t < b && s.t >= b && s.t - playing[i - 1].t < 0.2));
      const lags = playing.map((s) => highlightLag(s, list));
      const worst = Math.max(...lags);
      console.log(`highlight lag (${origin}): worst ${(worst * 1000).toFixed(1)} ms over ${playing.length} frames, ${crossed.length} boundaries crossed while playing`);
      assert.ok(crossed.length >= Math.min(4, boundaries.length), `crossed ${crossed.length} of ${boundaries.length} boundaries`);
      assert.ok(worst <= 0.1, `the highlight lagged ${(worst * 1000).toFixed(1)} ms`);
      await done();
    });

    test('keyboard only: Tab to the text, arrows between passages, Enter or Space plays from one', async () => {
      const { page, done } = await open(baseFor(example));
      const all = await passagesIn(page);
      const isPassage = () => page.evaluate(() => document.activeElement.matches('a.passage'));
      let tabs = 0;
      while (!(await isPassage())) {
        await page.keyboard.press('Tab');
        assert.ok(++tabs < 80, 'Tab reaches the text');
      }
      assert.equal(await page.evaluate(() => document.activeElement.textContent), all[0].text, 'the first passage first');
      // The text is one Tab stop: the next Tab leaves it.
      await page.keyboard.press('Tab');
      assert.equal(await isPassage(), false, 'one Tab stop for the whole text');
      await page.keyboard.press('Shift+Tab');
      assert.ok(await isPassage());

      // Down to the second passage of chapter 2, and Enter.
      const target = all.findIndex((p) => p.chapter === 1) + 1;
      for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
      const focused = page.locator('a.passage:focus');
      assert.equal(await focused.textContent(), all[target].text);
      assert.ok(await wholeOnScreen(focused), 'the focused passage is on screen');
      await page.keyboard.press('Enter');
      await waitPlaying(page, chapters[1].file, all[target].start);
      let state = await audioState(page);
      assert.ok(state.time - all[target].start < 1, `plays from the passage (${state.time} s)`);
      assert.equal(await page.locator('a.passage.speaking').textContent(), all[target].text);
      assert.equal(await page.locator('a.passage[aria-current="true"]').textContent(), all[target].text);
      assert.equal(await nowText(page), announcement(chapters[1]));

      // Back up one and Space: plays from there, in the same chapter.
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press(' ');
      await page.waitForFunction((t) => document.getElementById('audio').currentTime < t, all[target].start);
      state = await audioState(page);
      assert.ok(!state.paused && state.time >= all[target - 1].start - 0.05, `Space plays from the passage (${state.time} s)`);
      assert.equal(await page.locator('a.passage.speaking').textContent(), all[target - 1].text);
      await done();
    });

    test('the text panel can be turned off and stays off', async () => {
      const { page, done } = await open(baseFor(example));
      const toggle = page.getByRole('button', { name: 'Show the text' });
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.ok(await page.locator('#text').isVisible());
      assert.ok(await page.getByRole('heading', { name: "The leaflet's text" }).isVisible());
      // By keyboard: focus the toggle, press Space.
      await toggle.focus();
      await page.keyboard.press(' ');
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      assert.ok(await page.locator('#text').isHidden());
      assert.equal(await page.getByRole('heading', { name: "The leaflet's text" }).count(), 0, 'gone for screen readers too');
      assert.equal(await page.locator('a.passage').first().isVisible(), false);
      await page.reload();
      await page.locator('#player').waitFor({ state: 'visible' });
      assert.ok(await page.locator('#text').isHidden(), 'remembered across a reload');
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      // Playing with the text off still works, and the highlight returns with the text.
      await page.locator('a.chapter').nth(1).click();
      await waitPlaying(page, chapters[1].file, 1);
      await toggle.click();
      assert.ok(await page.locator('#text').isVisible());
      assert.equal(await page.locator('a.passage.speaking').count(), 1);
      await done();
    });

    test('large text and high contrast, remembered', async () => {
      const { page, done } = await open(baseFor(example), { colorScheme: 'light' });
      const looks = () => page.evaluate(() => {
        const passage = document.querySelector('a.passage');
        return {
          root: parseFloat(getComputedStyle(document.documentElement).fontSize),
          passage: parseFloat(getComputedStyle(passage).fontSize),
          bg: getComputedStyle(document.documentElement).backgroundColor,
          fg: getComputedStyle(passage).color,
        };
      });
      const before = await looks();
      await page.getByRole('button', { name: 'Large text' }).click();
      await page.getByRole('button', { name: 'High contrast' }).click();
      const after = await looks();
      assert.ok(after.passage >= before.passage * 1.35, `text ${before.passage}px to ${after.passage}px`);
      assert.equal(after.bg, 'rgb(255, 255, 255)');
      assert.equal(after.fg, 'rgb(0, 0, 0)');
      assert.equal(await page.locator('#large-text').getAttribute('aria-pressed'), 'true');
      assert.equal(await page.locator('#high-contrast').getAttribute('aria-pressed'), 'true');
      // The passage being read: black on yellow.
      await page.locator('a.passage').nth(1).click();
      await waitPlaying(page, chapters[0].file);
      const marked = await page.locator('a.passage.speaking').evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
      assert.deepEqual(marked, ['rgb(255, 255, 0)', 'rgb(0, 0, 0)']);
      await page.reload();
      await page.locator('#player').waitFor({ state: 'visible' });
      assert.deepEqual(await looks(), after, 'remembered across a reload');
      await page.getByRole('button', { name: 'Large text' }).click();
      assert.equal((await looks()).passage, before.passage);
      await done();
    });

    test('the page keeps the passage being read in view, unless the reader scrolled away', async () => {
      for (const reducedMotion of ['no-preference', 'reduce']) {
        const { page, done } = await open(baseFor(example), { viewport: { width: 1000, height: 600 }, reducedMotion });
        const all = await passagesIn(page);
        // The chapter whose text runs furthest down the page.
        const counts = chapters.map((_, i) => all.filter((p) => p.chapter === i).length);
        const position = counts.indexOf(Math.max(...counts));
        const list = all.filter((p) => p.chapter === position);
        const nth = (i) => page.locator(`a.passage[data-chapter="${position}"]`).nth(i);
        await nth(0).evaluate((el) => el.scrollIntoView({ block: 'start' }));
        assert.ok(!(await wholeOnScreen(nth(list.length - 1))), 'the chapter is longer than the screen');
        await nth(0).click();
        await waitPlaying(page, chapters[position].file);
        // Jump to the chapter's last passage: the page scrolls to it...
        const scrolled = await page.evaluate(() => {
          window.scrollEvents = 0;
          window.addEventListener('scroll', () => { window.scrollEvents += 1; });
          return window.scrollY;
        });
        await page.evaluate((t) => { document.getElementById('audio').currentTime = t; }, list[list.length - 1].start + 0.05);
        await page.waitForFunction((start) => {
          const el = document.querySelector('a.passage.speaking');
          const r = el.getBoundingClientRect();
          return el.dataset.start === start && r.top >= 0 && r.bottom <= window.innerHeight;
        }, list[list.length - 1].start.toFixed(3), { timeout: reducedMotion === 'reduce' ? 300 : 3000 });
        assert.ok(await page.evaluate(() => window.scrollY) > scrolled);
        // ...smoothly, or in one jump for those who asked for less motion...
        await page.keyboard.press('k');
        await waitPaused(page);
        await scrollSettled(page);
        const steps = await page.evaluate(() => window.scrollEvents);
        if (reducedMotion === 'reduce') assert.equal(steps, 1, 'one jump'); else assert.ok(steps > 2, `${steps} steps`);
        // ...but not when the reader has scrolled away from it.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.keyboard.press('k');
        await page.evaluate((t) => { document.getElementById('audio').currentTime = t; }, list[1].start + 0.05);
        await page.waitForFunction((t) => document.querySelector('a.passage.speaking').dataset.start === t, list[1].start.toFixed(3));
        await page.waitForTimeout(400);
        assert.equal(await page.evaluate(() => window.scrollY), 0, 'left where the reader scrolled');
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
