// The browser-served app (groundgame-liveview) answers only the browser it was opened in:
// its socket streams voter names and addresses, so another web page must not reach it.
//
//  1. The page needs this launch's key (printed in the address) or the cookie it sets; a
//     wrong key, none, or another Host name (DNS rebinding) gets 403.
//  2. The socket needs the cookie, an Origin of this very address and a Host naming it:
//     a request from http://evil.example, or from another port of 127.0.0.1, or with no
//     cookie, gets 403; the app's own gets 101 Switching Protocols.
//  3. A real page served from another origin, in Chromium, tries to open the socket and
//     hears nothing, while the app opened at its printed address works.
//  4. Asked to listen beyond loopback without --allow-remote, it refuses to start.
//
// Run: tests/e2e/run.sh guard

import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { check, launchBrowser, liveviewBin, log, openPage, run, start, tmp } from './lib.mjs';

/** One raw HTTP/1.1 request; resolves with { status, headers } (the head only). */
function rawRequest(port, lines) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      if (end >= 0) {
        const [first, ...rest] = data.slice(0, end).split('\r\n');
        socket.destroy();
        resolve({ status: Number(first.split(' ')[1]), headers: rest.join('\n').toLowerCase() });
      }
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

function upgrade(port, { host, origin, cookie }) {
  const lines = [
    'GET /ws HTTP/1.1',
    `Host: ${host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  ];
  if (origin) lines.push(`Origin: ${origin}`);
  if (cookie) lines.push(`Cookie: ${cookie}`);
  return rawRequest(port, lines);
}

run('guard (the app answers only its own page)', 90_000, async () => {
  const app = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'device')]);
  const url = new URL(app.url);
  const key = url.searchParams.get('key');
  check(key && /^[0-9a-f]{64}$/.test(key), `the printed address carries a 256-bit key: ${app.url}`);
  const port = Number(url.port);
  const host = `127.0.0.1:${port}`;
  const own = `http://${host}`;

  // 1. The page.
  const page = (path, h = host) => rawRequest(port, [`GET ${path} HTTP/1.1`, `Host: ${h}`, 'Connection: close']);
  check((await page('/')).status === 403, 'the page without the key is refused');
  check((await page(`/?key=${'0'.repeat(64)}`)).status === 403, 'the page with a wrong key is refused');
  check((await page(`/?key=${key}`, 'evil.example')).status === 403, 'the page under another Host name is refused');
  const good = await page(`/?key=${key}`);
  check(good.status === 200, `the page with the key: ${good.status}`);
  check(/set-cookie: groundgame_key=[0-9a-f]{64}; httponly; samesite=strict/.test(good.headers), `the cookie is HttpOnly and SameSite=Strict: ${good.headers}`);
  const cookie = `groundgame_key=${key}`;
  check((await rawRequest(port, ['GET / HTTP/1.1', `Host: ${host}`, `Cookie: ${cookie}`, 'Connection: close'])).status === 200, 'the cookie opens the page again');
  log('page: key or cookie only, and only under its own name');

  // 2. The socket.
  const tries = [
    ['from http://evil.example', { host, origin: 'http://evil.example', cookie }, 403],
    ['with Host evil.example', { host: 'evil.example', origin: 'http://evil.example', cookie }, 403],
    ['from another port of 127.0.0.1', { host, origin: `http://127.0.0.1:${port + 1}`, cookie }, 403],
    ['with no Origin', { host, cookie }, 403],
    ['with no cookie', { host, origin: own }, 403],
    ['with a wrong cookie', { host, origin: own, cookie: `groundgame_key=${'f'.repeat(64)}` }, 403],
    ["from the app's own page", { host, origin: own, cookie }, 101],
  ];
  for (const [what, how, want] of tries) {
    const got = (await upgrade(port, how)).status;
    check(got === want, `the socket ${what}: ${got}, want ${want}`);
  }
  log('socket: only the own page with the cookie');

  // 3. A real page elsewhere, in Chromium, tries its luck; the app itself works.
  const evil = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!DOCTYPE html><script>
      window.heard = 'nothing';
      const ws = new WebSocket('ws://${host}/ws');
      ws.onmessage = () => { window.heard = 'data'; };
      ws.onopen = () => { window.wsOpened = true; };
      ws.onclose = () => { window.wsClosed = true; };
    </script>`);
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
  const browser = await launchBrowser();
  const mine = await openPage(browser, app.url);
  await mine.locator('#main').first().waitFor({ state: 'attached' });
  await mine.locator('button, input').first().waitFor();
  const other = await browser.newPage();
  await other.goto(`http://127.0.0.1:${evil.address().port}/`);
  await other.waitForFunction(() => window.wsClosed === true, null, { timeout: 10_000 });
  const seen = await other.evaluate(() => ({ heard: window.heard, opened: window.wsOpened ?? false }));
  check(!seen.opened && seen.heard === 'nothing', `a page of another origin reached the socket: ${JSON.stringify(seen)}`);
  evil.close();
  log('Chromium: the other page heard nothing; the app at its address works');

  // 4. Not beyond loopback unless told.
  let refusedToStart = false;
  try {
    execFileSync(liveviewBin, ['--addr', '0.0.0.0:0', '--data', join(tmp, 'remote')], { stdio: 'pipe', timeout: 10_000 });
  } catch (e) {
    refusedToStart = e.status !== 0 && /--allow-remote/.test(String(e.stderr));
  }
  check(refusedToStart, 'listening on 0.0.0.0 without --allow-remote must refuse, naming the option');
});
