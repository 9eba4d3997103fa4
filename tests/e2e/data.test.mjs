// Browser end-to-end test of the field lead's campaign data screen (/lead/data): the real
// campaign server (demo data) and the lead's device in the browser (`groundgame-liveview`).
//
//  1. The lead joins and opens Campaign data. A VAN export (pasted: the browser-served app
//     cannot read picked files) with a row missing its address is imported: the progress
//     shows, then the summary (3 new voters, 1 row not imported) and the report line for
//     row 5; the server holds the new voters. The same rows again update nothing and add
//     nobody.
//  2. A geocoding file places the new households on the map (one row matches none and is
//     reported). They are cut into turfs by street: the screen lists them and the
//     server's turf list has them, every new door in exactly one.
//  3. A broken script is refused with its line; a changed script is saved as a new version
//     and listed.
//  4. A call list is made with that script; the server lists it with its members.
//  5. The results are exported (VAN upload) into the device's exports folder.
//  6. With GROUNDGAME_SCREENSHOTS=DIR: the screen after all of it.
//
// Run: tests/e2e/run.sh data

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  api, check, joinApp, launchBrowser, liveviewBin, log, openPage, register, run, screenshot, seedDemo, serverBin, start, tmp,
} from './lib.mjs';

const SCRIPT = readFileSync(
  new URL('../../server/examples/scripts/canvass.toml', import.meta.url),
  'utf8',
);

const VAN = [
  'Voter File VANID,LastName,FirstName,Address,City,Zip5,Cell Phone,Precinct',
  'E2E-1,Peña,Ana,12 Quarry Rd,Millbrook,27999,919-555-0101,Q1',
  'E2E-2,Peña,Luis,12 QUARRY ROAD,Millbrook,27999,(919) 555-0102,Q1',
  'E2E-3,Smith,Jo,40 Quarry Rd,Millbrook,27999,9195550103,Q2',
  'E2E-4,Doe,Sam,,Millbrook,27999,9195550104,Q1',
].join('\n');

async function waitText(page, selector, pattern, what) {
  try {
    await page.locator(selector, { hasText: pattern }).waitFor({ timeout: 20_000 });
  } catch {
    const shown = await page.locator(selector).innerText().catch(() => '(nothing)');
    const alert = await page.locator('[role="alert"]').allInnerTexts().catch(() => []);
    throw new Error(`${what}: ${selector} never said ${pattern}; it says: ${shown}; alerts: ${alert.join(' | ')}`);
  }
}

run('data (import, geocode, cut, script, call list, export)', 150_000, async () => {
  const db = join(tmp, 'server.sqlite');
  const demo = seedDemo(db, 60, 1);
  const server = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);
  const serverUrl = server.url;
  const checker = await register(serverUrl, demo.leadInvite, 'E2E Checker', 'Checker laptop');
  const turfsBefore = (await api(serverUrl, 'GET', '/api/v1/turfs', { token: checker.token })).turfs;
  const app = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'lead')]);
  const browser = await launchBrowser();

  // ---- 1. Join, open Campaign data, import a pasted VAN export. ----
  const l = await openPage(browser, app.url);
  await joinApp(l, serverUrl, demo.leadInvite, 'Lee Field');
  await l.locator('#lead-entry').waitFor();
  await l.click('#lead-entry');
  await l.locator('.lead-tabs a[href="/lead/data"]').click();
  await l.locator('#import-card').waitFor();
  await l.click('#format-van');
  await l.locator('#format-van[aria-pressed="true"]').waitFor();
  await l.fill('#voter-text', VAN);
  await l.click('#import-start');
  await waitText(l, '#import-summary', /3 new voters/, 'the import');
  const summary = await l.locator('#import-summary').innerText();
  check(/1 row not imported/.test(summary), `the summary does not count the bad row: ${summary}`);
  const report = await l.locator('#import-report li').allInnerTexts();
  check(
    report.length === 1 && /^Row 5 \(E2E-4\): .*address/.test(report[0]),
    `the report should name row 5 (E2E-4) and its missing address: ${JSON.stringify(report)}`,
  );
  log(`imported through the UI: ${summary}`);
  // The same rows again: nothing new, nothing duplicated.
  await l.fill('#voter-text', VAN);
  await l.click('#import-start');
  await waitText(l, '#import-summary', /0 new voters, 0 updated, 3 unchanged/, 'the re-import');
  log('the same file again: 3 unchanged, nobody duplicated');

  // ---- 2. Map coordinates for them (one row matches no household), then cut by street. ----
  await l.fill('#geo-text', [
    'address,city,zip,lat,lon',
    '12 Quarry Road,Millbrook,27999,35.91,-79.05',
    '40 QUARRY RD,Millbrook,27999,35.92,-79.06',
    '7 Nowhere Ln,Millbrook,27999,35.93,-79.07',
  ].join('\n'));
  await l.click('#geo-start');
  await waitText(l, '#geo-result', /2 households located \(0 already were\)\. 1 of 3 rows not used\./, 'the geocoding file');
  const geoReport = await l.locator('#geo-report li').allInnerTexts();
  check(geoReport.length === 1 && geoReport[0].startsWith('Row 4: not used'), `the geocoding report: ${JSON.stringify(geoReport)}`);
  log('map coordinates from a pasted geocoding file: 2 located, row 4 not used');

  await l.click('#cut-street');
  await l.fill('#cut-doors', '50');
  await l.click('#cut-start');
  await waitText(l, '#cut-result', /Made \d+ turfs? with 2 doors/, 'the cut');
  const turfsAfter = (await api(serverUrl, 'GET', '/api/v1/turfs', { token: checker.token })).turfs;
  const made = turfsAfter.filter((t) => !turfsBefore.some((b) => b.id === t.id));
  const doors = made.reduce((n, t) => n + t.household_count, 0);
  check(made.length >= 1 && doors === 2, `the server has ${made.length} new turfs with ${doors} doors, not the 2 new doors`);
  await l.click('#cut-start');
  await waitText(l, '#cut-result', /No new turfs/, 'a second cut');
  log(`cut by street: ${made.map((t) => `${t.name} (${t.household_count})`).join(', ')}`);

  // ---- 3. Scripts: a broken one refused with its line, a changed one saved. ----
  await l.fill('#script-text', 'key = "x"\n[[questions]\n');
  await l.click('#script-save');
  await waitText(l, '#script-problems', /line 2/, 'a broken script');
  const changed = SCRIPT.replace('name_en = "Door canvass"', 'name_en = "Door canvass, week 2"');
  check(changed !== SCRIPT, 'the example script has no English name to change');
  await l.fill('#script-text', changed);
  await l.click('#script-save');
  await waitText(l, '#script-saved', /Saved as version \d+ of “canvass”/, 'the changed script');
  const version = Number((await l.locator('#script-saved').innerText()).match(/version (\d+)/)[1]);
  await waitText(l, '#script-list', new RegExp(`“canvass” — version ${version}`), 'the script list');
  check((await l.locator('#script-problems').count()) === 0, 'the old problems are still shown');
  log(`a broken script was refused with its line; the changed one is version ${version}`);

  // ---- 4. A call list read with that script. ----
  await l.fill('#list-name', 'Quarry Road evening');
  await l.fill('#list-precincts', 'Q1');
  await l.selectOption('#list-script', 'canvass');
  await l.click('#list-make');
  await waitText(l, '#list-result', /Call list made: 2 people to call/, 'the call list');
  const lists = (await api(serverUrl, 'GET', '/api/v1/call-lists', { token: checker.token })).call_lists;
  const list = lists.find((c) => c.name === 'Quarry Road evening');
  check(list && list.members === 2, `the server's call lists: ${JSON.stringify(lists)}`);
  log('a call list made in the UI: 2 people to call');

  // ---- 5. The results, exported to the device's exports folder. ----
  await l.click('#export-van');
  await l.click('#export-start');
  await waitText(l, '#export-saved', /Saved \d+ results to .*groundgame-results-van-\d{4}-\d\d-\d\d\.csv\./, 'the export');
  const savedTo = (await l.locator('#export-saved').innerText()).match(/to (.*\.csv)\.$/)[1];
  const exported = readFileSync(savedTo, 'utf8');
  check(exported.split('\n')[0].length > 0, `the export file ${savedTo} has no header`);
  log(`results exported to ${savedTo}`);

  await screenshot(l, 'lead-data', { fullPage: true });
  await l.click('.lang-switch');
  await l.locator('#import-title', { hasText: 'Importar un padrón electoral' }).waitFor();
  await screenshot(l, 'lead-data-es', { fullPage: true });
});
