// Browser end-to-end test: a real campaign server (demo data), the real app served by
// groundgame-liveview, and headless Chromium. Joins with the demo's lead invite, opens a
// turf, records "Not home" at the first door, and checks that the app moves to the next
// door and that the record syncs (the sync bar says everything is synced).
//
// Run: tests/e2e/run.sh (builds the binaries, installs playwright-core, runs this file).
// Binaries can be given with GROUNDGAME_SERVER_BIN and GROUNDGAME_LIVEVIEW_BIN.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const serverBin = process.env.GROUNDGAME_SERVER_BIN ?? 'target/debug/groundgame-server';
const liveviewBin = process.env.GROUNDGAME_LIVEVIEW_BIN ?? 'target/debug/groundgame-liveview';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const tmp = mkdtempSync(join(tmpdir(), 'groundgame-e2e-'));
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(tmp, 'config'),
  XDG_CACHE_HOME: join(tmp, 'cache'),
  XDG_DATA_HOME: join(tmp, 'data'),
  RUST_LOG: process.env.RUST_LOG ?? 'warn',
};
const children = [];

function cleanup() {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  rmSync(tmp, { recursive: true, force: true });
}

/** Start a binary and resolve with the URL from its first `listening on` line. */
function start(bin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const timer = setTimeout(() => reject(new Error(`${bin} did not start in 30 s`)), 30_000);
    child.on('exit', (code) => reject(new Error(`${bin} exited with ${code} before listening`)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = line.match(/^listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

async function main() {
  const db = join(tmp, 'server.sqlite');
  const demo = execFileSync(serverBin, ['demo', '--data', db, '--voters', '300', '--turfs', '2'], {
    env,
    encoding: 'utf8',
  });
  const invite = demo.match(/^lead invite: (\S+)/m)?.[1];
  if (!invite) throw new Error(`no lead invite in the demo output`);
  const server = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);
  const app = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'device')]);

  const browser = await chromium.launchPersistentContext(join(tmp, 'chromium'), {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
    ],
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
    await page.setViewportSize({ width: 420, height: 900 });
    await page.goto(app);
    await page.locator('#join-server').waitFor();
    await page.fill('#join-server', server);
    await page.fill('#join-invite', invite);
    await page.fill('#join-name', 'E2E Volunteer');
    await page.click('#join-submit');

    // Home: the turfs arrive with the first sync.
    await page.getByRole('heading', { name: 'My turfs' }).waitFor();
    const turf = page.locator('a.turf').first();
    await turf.waitFor();
    await turf.click();

    const firstDoor = page.locator('a.door-row').first();
    await firstDoor.waitFor();
    await firstDoor.click();
    const title = page.locator('#door-title');
    await title.waitFor();
    const firstAddress = await title.textContent();

    // Someone not on the list answered: add them; they become the person who answered.
    await page.click('#someone-new');
    await page.fill('#new-first', 'Rosa');
    await page.fill('#new-last', 'Nueva');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByRole('button', { name: 'Rosa Nueva', pressed: true }).waitFor();

    const shots = process.env.GROUNDGAME_SCREENSHOTS;
    if (shots) await page.screenshot({ path: join(shots, 'liveview-door.png'), fullPage: true });
    // Rosa talked: support 1, pledged to vote, will volunteer.
    await page.click('[data-key="talked"]');
    await page.waitForSelector('[data-key="talked"][aria-pressed="true"]');
    await page.click('[data-support="1"]');
    await page.check('#pledge');
    await page.fill('#plan-when', 'early, Saturday');
    await page.getByRole('group', { name: 'Will they volunteer?' }).getByRole('button', { name: 'Yes' }).click();
    await page.click('#save-visit');

    // The next door in walking order, with a fresh form.
    await page.waitForFunction(
      (before) => document.querySelector('#door-title')?.textContent !== before,
      firstAddress,
    );
    const pressed = await page.locator('[aria-pressed="true"]').count();
    if (pressed !== 0) throw new Error('the form carried over to the next door');

    // The record is pushed in the background.
    await page.getByText('All records synced').waitFor({ timeout: 20_000 });

    // The language switch reaches every string on screen.
    await page.click('.lang-switch');
    await page.getByText('Todo sincronizado').waitFor();
    await page.getByRole('button', { name: 'Guardar y siguiente casa' }).or(
      page.getByRole('button', { name: 'Guardar' }),
    ).first().waitFor();
    console.log(`ok: joined, added a person and recorded a conversation at "${firstAddress}", moved on, synced`);
  } finally {
    await browser.close();
  }
}

main()
  .then(() => {
    cleanup();
    process.exit(0);
  })
  .catch((e) => {
    console.error(`e2e failed: ${e.stack ?? e}`);
    cleanup();
    process.exit(1);
  });
