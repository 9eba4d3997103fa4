// Shared harness for the browser end-to-end tests: temp folders (XDG_* included), child
// processes that are always killed on exit (success, failure, Ctrl-C or the watchdog), the
// server's lead API, headless Chromium restricted to loopback, and a few page helpers.
//
// Every wait has a timeout that fails with a sentence saying what did not happen.

import { createServer } from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const serverBin = process.env.GROUNDGAME_SERVER_BIN ?? 'target/debug/groundgame-server';
export const liveviewBin = process.env.GROUNDGAME_LIVEVIEW_BIN ?? 'target/debug/groundgame-liveview';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Where to save screenshots (unset: none are taken). */
export const shotsDir = process.env.GROUNDGAME_SCREENSHOTS || null;

export const tmp = mkdtempSync(join(tmpdir(), 'groundgame-e2e-'));
export const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(tmp, 'config'),
  XDG_CACHE_HOME: join(tmp, 'cache'),
  XDG_DATA_HOME: join(tmp, 'data'),
  RUST_LOG: process.env.RUST_LOG ?? 'warn',
};

const children = new Set();
let browser = null;

function killAll(signal = 'SIGKILL') {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  killAll('SIGTERM');
  killAll('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}

// Last resort (an exception thrown past `run`, or process.exit): never leave a server behind.
process.on('exit', () => killAll('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`e2e: interrupted by ${signal}`);
    cleanup().finally(() => process.exit(130));
  });
}

/** Run a test body with cleanup and a watchdog; exits the process with its verdict. */
export function run(name, limitMs, body) {
  const started = Date.now();
  const watchdog = setTimeout(() => {
    console.error(`e2e ${name} failed: still running after ${limitMs / 1000} s (watchdog)`);
    cleanup().finally(() => process.exit(1));
  }, limitMs);
  body()
    .then(async () => {
      clearTimeout(watchdog);
      await cleanup();
      console.log(`e2e ${name}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.exit(0);
    })
    .catch(async (e) => {
      clearTimeout(watchdog);
      console.error(`e2e ${name} failed: ${e.stack ?? e}`);
      await cleanup();
      process.exit(1);
    });
}

/** Log a step with the time since start (so a slow step is visible in CI logs). */
const t0 = Date.now();
export function log(message) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Seed a demo campaign; returns its ids and invite codes (parsed from the CLI's output). */
export function seedDemo(db, voters, turfs) {
  const out = execFileSync(
    serverBin,
    ['demo', '--data', db, '--voters', String(voters), '--turfs', String(turfs)],
    { env, encoding: 'utf8', timeout: 30_000 },
  );
  const field = (name) => {
    const value = out.match(new RegExp(`^${name}: (\\S+)`, 'm'))?.[1];
    check(value, `the demo command printed no "${name}:" line; it printed:\n${out}`);
    return value;
  };
  return {
    campaign: Number(field('campaign')),
    turfs: field('turfs').split(',').map(Number),
    volunteerInvite: field('volunteer invite'),
    leadInvite: field('lead invite'),
  };
}

/** Start a binary; resolves with { child, url } from its `listening on http://ADDR` line. */
export function start(bin, args, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} ${args[0]} did not print "listening on" within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${bin}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`${bin} exited (${signal ?? code}) before listening`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

/** Stop a child (SIGTERM, then SIGKILL after 5 s) and wait until it has exited. */
export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(hard);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One JSON call to the server's API (fails with the server's own error sentence). */
export async function api(server, method, path, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  check(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Register a device straight through the API (a lead's laptop, say); returns the answer. */
export function register(server, invite, name, deviceName) {
  return api(server, 'POST', '/api/v1/register', {
    body: {
      protocol: 1,
      invite_code: invite,
      volunteer_name: name,
      device_name: deviceName,
      app_version: 'e2e',
    },
  });
}

/** Every event the server holds in the device's scope, pulled page by page from zero. */
export async function pullAllEvents(server, token) {
  const cursors = new Map();
  const events = [];
  for (let round = 0; round < 1000; round++) {
    const scopes = [...cursors].map(([turf, cursor]) => ({ turf, cursor }));
    const page = await api(server, 'POST', '/api/v1/pull', {
      token,
      body: { protocol: 1, scopes, limit: 5000 },
    });
    for (const scope of page.scopes) {
      cursors.set(scope.turf.id, scope.cursor);
      for (const event of scope.events) events.push({ turf: scope.turf.id, ...event });
    }
    if (!page.has_more) return events;
  }
  throw new Error('the pull never finished (more than 1,000 pages)');
}

/** Headless Chromium that can reach only loopback. */
export async function launchBrowser() {
  const profile = join(tmp, 'chromium');
  mkdirSync(profile, { recursive: true });
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'en-US',
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      // Loopback only: any other host name fails to resolve.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  return browser;
}

/** A new tab, with failures surfaced: a page error or a closed liveview socket fails the test. */
export async function openPage(context, url) {
  const page = await context.newPage();
  await page.bringToFront();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => log(`page error at ${url}: ${e.message}`));
  await page.goto(url);
  return page;
}

/** Join the app in `page` with a code (an invite, or another device's code) and wait for Home. */
export async function joinApp(page, serverUrl, code, name) {
  await page.locator('#join-server').waitFor();
  await page.fill('#join-server', serverUrl);
  await page.fill('#join-invite', code);
  await page.fill('#join-name', name);
  await page.click('#join-submit');
  await page.locator('#home-title').waitFor();
}

/** Save a screenshot when GROUNDGAME_SCREENSHOTS is set. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  if (!shotsDir) return;
  mkdirSync(shotsDir, { recursive: true });
  // Let fonts and the last render settle, and move the pointer out of the way.
  await page.mouse.move(0, 0);
  await page.evaluate(async () => {
    window.scrollTo(0, 0);
    await document.fonts.ready;
  });
  const viewport = page.viewportSize();
  if (fullPage) {
    // A viewport as tall as the page, rather than Playwright's fullPage: that keeps sticky
    // bars (the header, the Save bar) where a phone shows them, not stuck mid-page.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  await page.screenshot({ path: join(shotsDir, `${name}.png`), animations: 'disabled' });
  if (fullPage) await page.setViewportSize(viewport);
  log(`screenshot ${name}.png`);
}

/** A TCP server that accepts connections and never answers: a network that hangs. */
export function deadHost(port) {
  return new Promise((resolve, reject) => {
    const sockets = new Set();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        sockets,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
