// Browser end-to-end test: a real campaign server (demo data), the real app served by
// groundgame-liveview, and headless Chromium. Joins with the demo's lead invite, opens a
// turf, adds someone not on the list at the first door and records a conversation with
// them (support, pledge with a plan, volunteer ask), then checks that the app moves to the
// next door with a fresh form, that the records sync, and that the language switch works.
//
// Run: tests/e2e/run.sh (builds the binaries, installs playwright-core, runs every test).
// Binaries can be given with GROUNDGAME_SERVER_BIN and GROUNDGAME_LIVEVIEW_BIN.
// field.test.mjs covers offline work, a second device and the screenshots.

import { join } from 'node:path';
import {
  joinApp, launchBrowser, liveviewBin, openPage, run, seedDemo, serverBin, start, tmp,
} from './lib.mjs';

run('door (a conversation at the door)', 60_000, async () => {
  const db = join(tmp, 'server.sqlite');
  const invite = seedDemo(db, 300, 2).leadInvite;
  const { url: server } = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);
  const { url: app } = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'device')]);

  const browser = await launchBrowser();
  const page = await openPage(browser, app);
  await joinApp(page, server, invite, 'E2E Volunteer');

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

  // Rosa talked: support 1, pledged to vote, will volunteer.
  await page.click('[data-key="talked"]');
  await page.waitForSelector('[data-key="talked"][aria-pressed="true"]');
  if ((await page.locator('.script-questions').count()) > 0) {
    // The campaign's door script: one question after another, branching on the answers.
    const answer = async (question, choice) => {
      await page.click(`[data-answer="${question}:${choice}"]`);
      await page.locator(`[data-answer="${question}:${choice}"][aria-pressed="true"]`).waitFor();
    };
    await answer('support', '1');
    await answer('pledge', 'yes');
    await page.fill('#plan-when', 'early, Saturday');
    await answer('plan_ride', 'has_ride');
    await answer('volunteer', 'yes');
    await page.locator('.script-end').waitFor();
  } else {
    // The fixed form, for a campaign without a door script.
    await page.click('[data-support="1"]');
    await page.check('#pledge');
    await page.fill('#plan-when', 'early, Saturday');
    await page.getByRole('group', { name: 'Will they volunteer?' }).getByRole('button', { name: 'Yes' }).click();
  }
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
});
