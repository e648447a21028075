// Browser tests of the staff web app (`audio-leaflet serve`) in Debian's headless Chromium,
// driven by playwright-core with the keyboard only: upload the example leaflet, fix a
// chapter title and a word, build with the embedded voice, play a chapter in the package's
// player, download the zip; axe-core on every page. scripts/browser-tests.sh builds the
// program and sets SERVE_BIN. Screenshots for the README go to $SERVE_SCREENSHOTS when set.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { launchChromium } from './chromium.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const BIN = process.env.SERVE_BIN;
const SHOTS = process.env.SERVE_SCREENSHOTS;
const EXAMPLE = path.resolve(process.env.SERVE_EXAMPLE || '../../examples/carpal-tunnel.txt');
if (!BIN) throw new Error('SERVE_BIN is not set: run scripts/browser-tests.sh');

/** Start a server on a free port; resolves to { url, token, child }. */
function startServer(out, extra = []) {
  const child = spawn(BIN, ['serve', '--out', out, '--listen', '127.0.0.1:0', ...extra], {
    env: { ...process.env, AUDIO_LEAFLET_VOICES: '/nonexistent/audio-leaflet-voices' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    let url = null;
    lines.on('line', (line) => {
      if (!url) {
        url = line.split('open ')[1];
        if (!extra.includes('--new-token')) resolve({ url, child });
      } else if (line.includes('token') && !line.includes('Ctrl-C')) {
        resolve({ url, child, token: line.split(': ')[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`the server stopped (${code})`)));
  });
}

let browser;
let server;
let out;

before(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'audio-leaflet-serve-'));
  server = await startServer(out);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.child.kill();
  fs.rmSync(out, { recursive: true, force: true });
});

async function axe(page, name) {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  for (const v of violations) console.log(`axe (${name}):`, JSON.stringify(v));
  assert.deepEqual(violations, [], `axe violations on ${name}`);
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `serve-${name}.png`), fullPage: false });
}

/** Press Tab until `selector` has the focus (the way a keyboard user gets there). */
async function tabTo(page, selector, limit = 400) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function newPage() {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && r.status() !== 401) errors.push(`${r.status()} for ${r.url()}`); });
  return { page, context, errors };
}

test('upload, fix a heading and a word, build, play and download, keyboard only', { timeout: 300_000 }, async () => {
  const { page, context, errors } = await newPage();
  await page.goto(server.url);
  await axe(page, 'leaflets (empty)');

  // Upload: the file chooser is the system's; its input is reached and sent by keyboard.
  await tabTo(page, '#files');
  await page.locator('#files').setInputFiles(EXAMPLE);
  await tabTo(page, '#upload button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(await page.locator('.notice').textContent(), /carpal-tunnel\.txt/);
  await axe(page, 'leaflets (after an upload)');
  await shot(page, 'leaflets');

  await tabTo(page, '.notice a');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.match(page.url(), /\/leaflets\/carpal-tunnel$/);
  await axe(page, 'one leaflet (not built)');

  // Rename the second chapter.
  const original = await page.locator('#title-1').inputValue();
  await tabTo(page, '#title-1');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Why you might need surgery');
  await tabTo(page, '#outline form:not(.inline) > button[type=submit]');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assert.equal(await page.locator('#title-1').inputValue(), 'Why you might need surgery');
  assert.notEqual(original, 'Why you might need surgery');
  assert.match(await page.locator('main > p.hint').textContent(), /corrected chapters/);

  // Fix the first word to check, hear it, save it.
  const word = await page.locator('ul.words .the-word').first().textContent();
  await tabTo(page, 'ul.words li:first-child input[name=say]');
  await page.keyboard.type('testing one two');
  await tabTo(page, 'ul.words li:first-child button.hear');
  await page.keyboard.press('Enter');
  await page.locator('ul.words li:first-child .said').filter({ hasText: 'Says:' }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator('ul.words li:first-child .said').textContent(), /testing one two/);
  await shot(page, 'words');
  await tabTo(page, 'ul.words li:first-child button:not(.hear)');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  const lexicon = fs.readFileSync(path.join(out, 'lexicon.toml'), 'utf8');
  assert.ok(lexicon.toLowerCase().includes(`${word.toLowerCase()} = "testing one two"`), lexicon);

  // Build, and follow it live.
  await page.goto(`${server.url}leaflets/carpal-tunnel`);
  await shot(page, 'leaflet');
  await tabTo(page, '#build form.inline:not(#cancel-form) button');
  await page.keyboard.press('Enter');
  await page.locator('iframe.player').waitFor({ timeout: 240_000 });
  assert.match(await page.locator('#build-status').textContent(), /built/);
  await axe(page, 'one leaflet (built)');
  await shot(page, 'built');

  // Play the renamed chapter in the package's own player, by keyboard.
  const player = page.frameLocator('iframe.player');
  await tabTo(page, 'iframe.player');
  const renamed = player.locator('a.chapter', { hasText: 'Why you might need surgery' });
  await renamed.waitFor();
  await renamed.focus();
  await page.keyboard.press('Enter');
  const frame = page.frames().find((f) => f.url().includes('/packages/'));
  await frame.waitForFunction(() => {
    const a = document.getElementById('audio');
    return !a.paused && a.currentTime > 0.5;
  }, null, { timeout: 15_000 });

  // Download the zip.
  await tabTo(page, 'a[href$="leaflet.zip"][download]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /\.zip$/);
  const saved = path.join(out, 'downloaded.zip');
  await download.saveAs(saved);
  assert.equal(fs.readFileSync(saved).subarray(0, 2).toString(), 'PK');

  // The list shows it built.
  await page.goto(server.url);
  assert.match(await page.locator('[data-status="carpal-tunnel"]').textContent(), /built/);
  await axe(page, 'leaflets (built)');
  await context.close();
  assert.deepEqual(errors, [], 'the pages logged errors');
});

test('the sign-in page and the error page pass axe too', { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audio-leaflet-serve-'));
  const guarded = await startServer(dir, ['--new-token']);
  try {
    const { page, context } = await newPage();
    await page.goto(guarded.url);
    assert.match(page.url(), /\/login$/);
    await axe(page, 'sign in');
    await shot(page, 'sign-in');
    await tabTo(page, '#token');
    await page.keyboard.type('not-the-token-at-all');
    await page.keyboard.press('Enter');
    await page.locator('.error').waitFor();
    await axe(page, 'sign in (wrong token)');
    await tabTo(page, '#token');
    await page.keyboard.type(guarded.token);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.locator('h1').textContent(), /Leaflets/);
    const missing = await page.goto(`${guarded.url}leaflets/no-such-leaflet`);
    assert.equal(missing.status(), 404);
    await axe(page, 'not found');
    await context.close();
  } finally {
    guarded.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a page that missed the end of a build catches up when it connects', { timeout: 180_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audio-leaflet-serve-'));
  const own = await startServer(dir);
  try {
    // A leaflet long enough to be still building when the pages are made.
    let text = '# Long leaflet\n\nThis leaflet explains the treatment.\n';
    for (let i = 1; i <= 90; i += 1) {
      text += `\n## Part ${i}\n\n${'Each paragraph says what happens next and who to call if you are worried. '.repeat(6)}\n`;
    }
    const form = new FormData();
    form.append('files', new Blob([text]), 'long.md');
    const saved = await (await fetch(`${own.url}api/leaflets`, { method: 'POST', body: form })).json();
    const id = saved.saved[0].id;
    const status = async () => (await (await fetch(`${own.url}api/leaflets`)).json())
      .leaflets.find((l) => l.id === id).status;

    // The pages' event connections are held back until the build has ended, so its last
    // event reaches neither of them.
    let release;
    const ended = new Promise((resolve) => { release = resolve; });
    const { page, context, errors } = await newPage();
    await page.route('**/events', async (route) => { await ended; await route.continue(); });
    assert.equal((await fetch(`${own.url}api/leaflets/${id}/build`, { method: 'POST' })).status, 202);
    await page.goto(`${own.url}leaflets/${id}`);
    assert.match(await page.locator('#build-status').getAttribute('data-state'), /^(building|queued)$/);
    const list = await context.newPage();
    await list.goto(own.url);
    assert.match(await list.locator(`[data-status="${id}"]`).textContent(), /being built|waiting/);

    let now = await status();
    for (let t = 0; now === 'building' || now === 'queued'; t += 1) {
      assert.ok(t < 1200, 'the build never ended');
      await new Promise((r) => { setTimeout(r, 100); });
      now = await status();
    }
    assert.equal(now, 'built');
    release();
    await page.locator('iframe.player').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('#build-status').textContent(), /built/);
    await list.locator(`[data-status="${id}"]`).filter({ hasText: /^built$/ }).waitFor({ timeout: 30_000 });
    await context.close();
    assert.deepEqual(errors, [], 'the pages logged errors');
  } finally {
    own.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
