// Browser end-to-end test of My network: a volunteer joins, opens My network, pastes a
// small vCard export into the import screen, reads the report (who will be added, who is
// left out and why, by line) BEFORE anything is saved, imports, records an ask with a
// promised amount on one contact, and the records reach the server: a lead's summary then
// counts them, and never names anyone. Then a code made on the phone joins the fellow's
// laptop as the same person, and the laptop holds the same network.
//
// Run: tests/e2e/run.sh network

import { join } from 'node:path';
import {
  api, check, joinApp, launchBrowser, liveviewBin, log, openPage, register, run, screenshot, seedDemo, serverBin, start, tmp,
} from './lib.mjs';

const VCARD = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Rosa Quintanilla',
  'TEL;TYPE=CELL:(919) 555-0181',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Wierzbicki;Tomasz;;;',
  'TEL;TYPE=CELL:919.555.0182',
  'EMAIL:tomasz@example.org',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'TEL:919-555-0199',
  'END:VCARD',
  '',
].join('\n');

run('network (import a vCard, record an ask, the lead sees totals)', 90_000, async () => {
  const db = join(tmp, 'server.sqlite');
  const seeded = seedDemo(db, 50, 1);
  const { url: server } = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);
  const { url: app } = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'device')]);
  const lead = await register(server, seeded.leadInvite, 'E2E Lead', 'Lead laptop');

  const browser = await launchBrowser();
  const page = await openPage(browser, app);
  await joinApp(page, server, seeded.volunteerInvite, 'E2E Fellow');

  await page.locator('#network-entry').click();
  await page.getByRole('heading', { name: 'My network' }).waitFor();
  await page.locator('#net-import').click();
  await page.locator('#import-text').fill(VCARD);
  await page.click('#import-check');
  const preview = page.locator('#import-preview');
  await preview.waitFor();
  check(
    (await preview.textContent()) === '2 contacts will be imported; 1 left out.',
    `the report said: ${await preview.textContent()}`,
  );
  const issues = await page.locator('.net-import-issues li').allTextContents();
  check(issues.length === 1 && issues[0].startsWith('Line 12: left out — no name'), `issues: ${issues}`);
  await screenshot(page, 'network-import-report', { fullPage: true });
  log('the import report is shown before anything is saved');

  await page.click('#import-confirm');
  await page.locator('#import-done').waitFor();
  await page.getByRole('link', { name: 'My network' }).first().click();
  const rosa = page.locator('a.net-contact', { hasText: 'Rosa Quintanilla' });
  await rosa.waitFor();
  await page.locator('a.net-contact', { hasText: 'Tomasz Wierzbicki' }).waitFor();

  // Rosa says yes to a donation of $40.
  await rosa.click();
  await page.locator('#contact-title').waitFor();
  await page.click('#answer-donate-yes');
  await page.locator('#answer-donate-yes[aria-pressed="true"]').waitFor();
  await page.fill('#amount-donate', '40');
  await page.click('#save-answer-donate');
  await page.locator('#ask-donate .net-ask-status', { hasText: 'Yes' }).waitFor();
  await screenshot(page, 'network-contact', { fullPage: true });

  // The records sync in the background; the lead's summary counts them, names nobody.
  let summary;
  for (let i = 0; i < 100; i++) {
    summary = await api(server, 'GET', '/api/v1/network/summary', { token: lead.token });
    if (summary.totals.contacts === 2 && summary.totals.promised_cents === 4000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(summary.totals.contacts === 2, `the summary: ${JSON.stringify(summary)}`);
  check(summary.totals.asks_made === 1 && summary.totals.donate.yes === 1, JSON.stringify(summary));
  check(summary.totals.promised_cents === 4000, JSON.stringify(summary));
  const text = JSON.stringify(summary);
  for (const secret of ['Rosa', 'Tomasz', '555', 'example.org']) {
    check(!text.includes(secret), `the lead's summary leaks ${secret}: ${text}`);
  }
  log('the lead sees totals only');

  // Back on My network: the totals on the device.
  await page.getByRole('link', { name: 'My network' }).first().click();
  await page.locator('#net-asks-made', { hasText: '1' }).waitFor();
  await page.locator('.progress-label', { hasText: '$0 given of $40 promised' }).waitFor();
  await screenshot(page, 'network', { fullPage: true });

  // The fellow's laptop: a code made on the phone (Home → Use Groundgame on another
  // device), typed on the laptop's Join screen, joins it as the same person with the
  // same private network.
  await page.goto(app);
  await page.locator('#link-entry').click();
  await page.click('#link-make');
  const code = (await page.locator('#link-code').textContent({ timeout: 10_000 })).trim();
  check(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(code), `the device code looks wrong: "${code}"`);
  await screenshot(page, 'link-device', { fullPage: true });
  const { url: laptopApp } = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'laptop')]);
  const laptop = await openPage(browser, laptopApp);
  await joinApp(laptop, server, code.toLowerCase(), 'E2E Fellow');
  await laptop.locator('#network-entry').click();
  await laptop.locator('a.net-contact', { hasText: 'Rosa Quintanilla' }).waitFor({ timeout: 15_000 });
  await laptop.locator('a.net-contact', { hasText: 'Tomasz Wierzbicki' }).waitFor();
  const people = await api(server, 'GET', '/api/v1/volunteers', { token: lead.token });
  const fellows = people.volunteers.filter((v) => v.name === 'E2E Fellow');
  check(
    fellows.length === 1 && fellows[0].devices.length === 2,
    `one fellow with two devices expected: ${JSON.stringify(fellows)}`,
  );
  log("the laptop joined with the phone's code as the same fellow and holds the same network");
  // The code works once.
  const again = await fetch(`${server}/api/v1/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      protocol: 1, invite_code: code, volunteer_name: 'X', device_name: 'X', app_version: 'e2e',
    }),
  });
  check(again.status === 403, `a used device code answered ${again.status}`);
});
