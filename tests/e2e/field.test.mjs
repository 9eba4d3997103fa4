// Browser end-to-end test of the canvasser's day, offline in the middle: the real campaign
// server (`groundgame-server`, demo data), two devices (two `groundgame-liveview` processes,
// each with its own data folder) and headless Chromium at a phone's size.
//
//  1. Ana joins with the volunteer invite: no turfs yet. The lead (through the API)
//     assigns her a turf; after "Sync now" it downloads, every door of it.
//  2. The server goes away: first a dead host that accepts connections and never answers
//     (the sync request hangs), then nothing at all (connection refused). Ana records four
//     doors; every save returns to the next door at once, and the count of records waiting
//     to sync rises with each one.
//  3. The server comes back on the same port and data file; the waiting count drains to 0
//     in the UI. Through the API, the server holds each recorded result exactly once.
//  4. Ben, on a second device, knocks a door of the same turf and syncs; after Ana syncs,
//     her open walk list shows that door's badge, and the door's history shows the knock.
//  5. With GROUNDGAME_SCREENSHOTS=DIR: a PNG of each screen in English and Spanish.
//
// Run: tests/e2e/run.sh (builds the binaries, installs playwright-core, runs every test).

import { join } from 'node:path';
import {
  api, check, deadHost, joinApp, launchBrowser, liveviewBin, log, openPage, pullAllEvents, register, run, screenshot, seedDemo, serverBin, shotsDir, start, stop, tmp,
} from './lib.mjs';

/** After "Sync now" with the server back, the waiting records must be gone within this. */
const DRAIN_BUDGET_MS = 15_000;

const runId = Date.now().toString(36);
const note = (door) => `e2e ${runId} door ${door}`;

// ---- reading the app's screen -------------------------------------------------------------

/** The waiting count in the sync bar (0 when it says everything is synced). */
async function pending(page) {
  const text = (await page.locator('.sync-bar .sync-pending').textContent({ timeout: 5_000 })).trim();
  const n = text.match(/^(\d+)/);
  return n ? Number(n[1]) : 0;
}

async function waitPending(page, want, timeout, what) {
  try {
    await page.waitForFunction(
      (want) => {
        const text = document.querySelector('.sync-bar .sync-pending')?.textContent?.trim() ?? '';
        const n = text.match(/^(\d+)/);
        return text !== '' && (n ? Number(n[1]) : 0) === want;
      },
      want,
      { timeout, polling: 50 },
    );
  } catch {
    const bar = await page.locator('.sync-bar').innerText().catch(() => '(no sync bar)');
    throw new Error(`${what}: expected ${want} records waiting within ${timeout} ms; the sync bar says: ${bar}`);
  }
}

async function waitSyncState(page, cls, timeout, what) {
  try {
    await page.locator(`.sync-bar.${cls}`).waitFor({ timeout });
  } catch {
    const bar = await page.locator('.sync-bar').innerText().catch(() => '(no sync bar)');
    throw new Error(`${what}: the sync bar never showed "${cls}" within ${timeout} ms; it says: ${bar}`);
  }
}

async function syncNow(page) {
  await page.locator('.sync-bar button', { hasText: /Sync now|Sincronizar/ }).click();
}

/** Answer the support question: the campaign's door script's, or the fixed form's. */
async function answerSupport(page, n) {
  const choice = `[data-answer="support:${n}"], [data-support="${n}"]`;
  await page.click(choice);
  await page.locator(`:is(${choice})[aria-pressed="true"]`).waitFor();
}

/** A pattern matching exactly this text. */
const exactly = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The walk list's rows: [{ household, address, badge }] in walking order. */
async function walkRows(page) {
  await page.locator('a.door-row').first().waitFor();
  return page.locator('a.door-row').evaluateAll((rows) =>
    rows.map((a) => ({
      household: Number(a.getAttribute('href').match(/door\/(\d+)/)?.[1]),
      // The door screen's title: "12, Apt 3 Main Street".
      address: `${a.querySelector('.door-address')?.textContent ?? ''} ${
        a.closest('section.street')?.querySelector('.street-name')?.textContent ?? ''}`,
      badge: a.querySelector('.badge')?.className.replace('badge', '').trim() ?? '',
    })),
  );
}

/**
 * Record a visit at the open door and save. Checks that the next door comes up within the
 * budget and that the waiting count rises by the events recorded. Returns the time taken.
 */
async function recordVisit(page, { result, person = false, support = null, text }) {
  const title = page.locator('#door-title');
  await title.waitFor();
  const before = await title.textContent();
  if (person) {
    await page.locator('section.people .choices button').first().click();
    await page.locator('section.people .choices button[aria-pressed="true"]').waitFor();
  }
  await page.click(`[data-key="${result}"]`);
  await page.locator(`[data-key="${result}"][aria-pressed="true"]`).waitFor();
  if (support) await answerSupport(page, support);
  await page.fill('#note', text);
  const waiting = await pending(page);
  const events = 1 + (support ? 1 : 0) + 1; // the contact, the answer, the note

  const clicked = Date.now();
  await page.click('#save-visit');
  try {
    await page.waitForFunction(
      (before) => {
        const now = document.querySelector('#door-title')?.textContent;
        return now && now !== before;
      },
      before,
      { timeout: 10_000, polling: 20 },
    );
  } catch {
    const error = await page.locator('#door-error').textContent({ timeout: 500 }).catch(() => null);
    throw new Error(`saving at ${before} did not bring up the next door within 10 s${error ? `: ${error}` : ''}`);
  }
  // No time budget here (timing belongs in `cargo bench --bench ui`): the proof that a
  // save never waits on the network is that the first two are made while a sync hangs on
  // a host that never answers (the app's requests time out after 30 s, the wait above
  // after 10).
  const ms = Date.now() - clicked;
  const fresh = await page.locator('[aria-pressed="true"]').count();
  check(fresh === 0, `the form at the door after ${before} came up with ${fresh} choices already made`);
  await waitPending(page, waiting + events, 3_000, `after saving at ${before}`);
  log(`  saved "${result}" at ${before} in ${ms} ms; ${waiting + events} records waiting`);
  return ms;
}

// ---- the test -----------------------------------------------------------------------------

run('field (offline, two devices, screenshots)', 150_000, async () => {
  const db = join(tmp, 'server.sqlite');
  const demo = seedDemo(db, 240, 2);
  const turf = demo.turfs[0];
  let server = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);
  const serverUrl = server.url;
  const port = Number(new URL(serverUrl).port);
  log(`server on ${serverUrl}; campaign ${demo.campaign}, turfs ${demo.turfs.join(', ')}`);

  const lead = await register(serverUrl, demo.leadInvite, 'E2E Lead', 'Lead laptop');
  const [ana, ben] = await Promise.all([
    start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'ana')]),
    start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'ben')]),
  ]);
  const browser = await launchBrowser();

  // ---- 1. Join; no turf until the lead assigns one; then it downloads. ----
  const a = await openPage(browser, ana.url);
  await a.locator('#join-server').waitFor();
  const anaName = 'Ana Reyes';
  await a.fill('#join-server', serverUrl);
  await a.fill('#join-invite', demo.volunteerInvite);
  await a.fill('#join-name', anaName);
  await screenshot(a, 'join-en', { fullPage: true });
  await a.click('.lang-switch');
  await a.locator('#join-submit', { hasText: 'Unirme' }).waitFor();
  await screenshot(a, 'join-es', { fullPage: true });
  await a.click('.lang-switch');
  await a.locator('#join-submit', { hasText: 'Join' }).waitFor();
  await a.click('#join-submit');
  await a.locator('#home-title').waitFor();
  await a.locator('.notice.empty').waitFor(); // "No turfs yet"
  log('Ana joined; no turf assigned yet');

  const volunteers = await api(serverUrl, 'GET', '/api/v1/volunteers', { token: lead.token });
  const anaId = volunteers.volunteers.find((v) => v.name === anaName)?.id;
  check(anaId, `the lead's volunteer list has no "${anaName}": ${JSON.stringify(volunteers)}`);
  await api(serverUrl, 'PUT', `/api/v1/turfs/${turf}/assignees`, {
    token: lead.token,
    body: { volunteers: [anaId] },
  });
  const turfs = await api(serverUrl, 'GET', '/api/v1/turfs', { token: lead.token });
  const doors = turfs.turfs.find((t) => t.id === turf)?.household_count;
  check(doors > 5, `turf ${turf} should have more than 5 doors: ${JSON.stringify(turfs)}`);

  await syncNow(a);
  const turfLink = a.locator('a.turf').first();
  await turfLink.waitFor({ timeout: 15_000 });
  // Fully downloaded: "0 of N doors done" and no "downloaded" line left.
  await a.locator('a.turf .turf-downloading').waitFor({ state: 'detached', timeout: 15_000 });
  await waitPending(a, 0, 5_000, 'after the first download');
  check((await a.locator('a.turf').count()) === 1, 'Ana sees more turfs than the one assigned to her');
  await screenshot(a, 'home-en');
  await turfLink.click();
  const rows = await walkRows(a);
  check(
    rows.length === doors,
    `the walk list has ${rows.length} doors; the server's turf has ${doors}`,
  );
  check(rows.every((r) => r.badge === 'not-visited'), 'a door of the fresh turf is not "not visited"');
  log(`turf ${turf} assigned and downloaded: ${rows.length} doors`);

  // ---- 2. Offline: a server that hangs, then none at all. Ana keeps working. ----
  await stop(server.child);
  const dead = await deadHost(port);
  log('server stopped; a dead host holds its port (connections hang)');
  await a.locator('a.door-row').first().click();
  const visits = [
    { result: 'not_home', text: note(1), badge: 'try-again' },
    { result: 'talked', person: true, support: '2', text: note(2), badge: 'contacted' },
  ];
  const saveTimes = [];
  saveTimes.push(await recordVisit(a, visits[0]));
  // The push is now hanging on the dead host; saving must not notice.
  const hung = Date.now();
  while (dead.sockets.size === 0 && Date.now() - hung < 5_000) await new Promise((r) => setTimeout(r, 50));
  check(dead.sockets.size > 0, 'the app did not try to sync within 5 s of a save');
  saveTimes.push(await recordVisit(a, visits[1]));
  await dead.close();
  log('dead host gone: connections are now refused');
  await waitSyncState(a, 'offline', 10_000, 'with no server');
  visits.push({ result: 'vacant', text: note(3), badge: 'closed' });
  saveTimes.push(await recordVisit(a, visits[2]));
  visits.push({ result: 'literature_left', text: note(4), badge: 'try-again' });
  saveTimes.push(await recordVisit(a, visits[3]));
  const waiting = await pending(a);
  check(waiting === 9, `9 records should wait to sync (4 contacts, 1 answer, 4 notes); the bar says ${waiting}`);
  await screenshot(a, 'door-offline-en');

  // ---- 3. The server is back: everything drains, and arrives exactly once. ----
  server = await start(serverBin, ['serve', '--data', db, '--addr', `127.0.0.1:${port}`]);
  check(server.url === serverUrl, `the server came back on ${server.url}, not ${serverUrl}`);
  const back = Date.now();
  await syncNow(a);
  await waitPending(a, 0, DRAIN_BUDGET_MS, 'after the server came back and "Sync now"');
  await waitSyncState(a, 'online', 5_000, 'after draining');
  const drainMs = Date.now() - back;
  log(`server back on the same port: ${waiting} records drained in ${drainMs} ms`);

  const recorded = rows.slice(0, visits.length).map((r, i) => ({ ...r, ...visits[i] }));
  let events = await pullAllEvents(serverUrl, lead.token);
  const ids = new Set(events.map((e) => e.id));
  check(ids.size === events.length, `the server returned ${events.length - ids.size} events twice`);
  for (const visit of recorded) {
    const here = events.filter((e) => e.household === visit.household);
    const contacts = here.filter((e) => e.body.kind === 'contact');
    const notes = here.filter((e) => e.body.kind === 'note' && e.body.text === visit.text);
    check(
      contacts.length === 1 && contacts[0].body.result === visit.result && contacts[0].body.channel === 'door',
      `household ${visit.household} should have one "${visit.result}" knock on the server: ${JSON.stringify(contacts)}`,
    );
    check(notes.length === 1, `the note "${visit.text}" is on the server ${notes.length} times, not once`);
    const surveys = here.filter((e) => e.body.kind === 'survey');
    const wantSurveys = visit.support ? 1 : 0;
    check(
      surveys.length === wantSurveys && (!visit.support || surveys[0].body.answer === visit.support),
      `household ${visit.household} should have ${wantSurveys} support answers: ${JSON.stringify(surveys)}`,
    );
  }
  const everyNote = events.filter((e) => e.body.kind === 'note' && e.body.text.startsWith(`e2e ${runId}`));
  check(everyNote.length === visits.length, `the server holds ${everyNote.length} of this run's notes, not ${visits.length}`);
  log(`server holds each of the ${visits.length} visits exactly once (${events.length} events in the campaign)`);

  // The walk list shows what Ana recorded.
  await a.locator('nav.crumbs a.back').click();
  const after = await walkRows(a);
  for (const visit of recorded) {
    const row = after.find((r) => r.household === visit.household);
    check(row?.badge === visit.badge, `the walk list shows ${row?.badge} at ${visit.address}, not ${visit.badge}`);
  }

  // ---- 4. A teammate's knock reaches Ana's walk list. ----
  const b = await openPage(browser, ben.url);
  const benName = 'Ben Okafor';
  await joinApp(b, serverUrl, demo.volunteerInvite, benName);
  const list = await api(serverUrl, 'GET', '/api/v1/volunteers', { token: lead.token });
  const benId = list.volunteers.find((v) => v.name === benName)?.id;
  check(benId, `the lead's volunteer list has no "${benName}"`);
  await api(serverUrl, 'PUT', `/api/v1/turfs/${turf}/assignees`, {
    token: lead.token,
    body: { volunteers: [anaId, benId] },
  });
  await syncNow(b);
  await b.locator('a.turf').first().waitFor({ timeout: 15_000 });
  await b.locator('a.turf .turf-downloading').waitFor({ state: 'detached', timeout: 15_000 });
  await b.locator('a.turf').first().click();
  const benRows = await walkRows(b);
  for (const visit of recorded) {
    const row = benRows.find((r) => r.household === visit.household);
    check(row?.badge === visit.badge, `Ben's walk list shows ${row?.badge} at ${visit.address}, not Ana's ${visit.badge}`);
  }
  const target = benRows[visits.length + 2];
  check(target.badge === 'not-visited', `${target.address} should not have been visited yet`);
  await b.locator(`a.door-row[href$="/door/${target.household}"]`).click();
  await b.locator('#door-title', { hasText: exactly(target.address) }).waitFor();
  await b.click('[data-key="come_back"]');
  await b.locator('[data-key="come_back"][aria-pressed="true"]').waitFor();
  await b.fill('#note', `e2e ${runId} Ben was here`);
  await b.click('#save-visit');
  // "0 waiting" can show before the save's count does: wait for the server to hold it.
  const benNote = `e2e ${runId} Ben was here`;
  const benDeadline = Date.now() + 10_000;
  for (;;) {
    const held = await pullAllEvents(serverUrl, lead.token);
    if (held.some((e) => e.body.kind === 'note' && e.body.text === benNote)) break;
    const bar = await b.locator('.sync-bar').innerText().catch(() => '(no sync bar)');
    check(Date.now() < benDeadline, `Ben's knock did not reach the server within 10 s; his sync bar says: ${bar}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitPending(b, 0, 10_000, "Ben's knock syncing");
  log(`Ben knocked at ${target.address} (come back later) and synced`);

  // Ana is on her walk list; she syncs and the door changes there, without reopening it.
  // (A tab in the background gets no animation frames, which the liveview page waits for.)
  await a.bringToFront();
  const targetRow = a.locator(`a.door-row[href$="/door/${target.household}"]`);
  check(
    (await targetRow.locator('.badge').getAttribute('class')).includes('not-visited'),
    `Ana's walk list showed Ben's door as visited before she synced`,
  );
  await syncNow(a);
  try {
    await targetRow.locator('.badge.come-back').waitFor({ timeout: 10_000 });
  } catch {
    // Tell a list that does not refresh apart from a knock that never arrived.
    await a.locator('nav.crumbs a.back').click();
    await a.locator('a.turf').first().click();
    const reopened = await a
      .locator(`a.door-row[href$="/door/${target.household}"] .badge`)
      .getAttribute('class');
    throw new Error(
      `after Ana synced, her open walk list still showed ${target.address} as not visited; ` +
        `reopening the list shows "${reopened}"` +
        (reopened.includes('come-back')
          ? ' — the knock arrived, but the open walk list does not re-read after a sync'
          : ' — the knock never reached her device'),
    );
  }
  log("Ben's knock shows on Ana's open walk list after her sync");
  await a.evaluate(() => window.scrollTo(0, 0));
  await screenshot(a, 'walk-list-en');

  // The paper walk list, for when the phone dies: the screen, and the sheet itself at the
  // width of a letter page. (Only screenshots here: the UI's own tests check the sheet.)
  const printLink = a.locator('#print-walk-list');
  if (shotsDir && (await printLink.count()) > 0) {
    await printLink.click();
    const frame = a.locator('#print-frame');
    await frame.waitFor();
    await screenshot(a, 'print-walk-list-en');
    const sheet = await browser.newPage();
    await sheet.setViewportSize({ width: 816, height: 1056 });
    await sheet.setContent(await frame.getAttribute('srcdoc'));
    await screenshot(sheet, 'print-sheet-en');
    await sheet.close();
    await a.bringToFront();
    await a.locator('nav.crumbs a.back').click();
  } else if (shotsDir) {
    log('no paper walk list link on the walk list: its screenshots are skipped');
  }

  await targetRow.click();
  await a.locator('#door-title', { hasText: exactly(target.address) }).waitFor();
  // The door's history shows the teammate's knock.
  await a.locator('section.history li', { hasText: 'Come back later' }).waitFor();
  // A conversation in progress, for the door screenshots (not saved).
  await a.locator('section.people .choices button').first().click();
  await a.click('[data-key="talked"]');
  await answerSupport(a, '1');
  await screenshot(a, 'door-en', { fullPage: true });

  // ---- 5. The same screens in Spanish. ----
  await a.click('.lang-switch');
  await a.locator('#save-visit', { hasText: 'Guardar' }).waitFor();
  await a.locator('.sync-bar .sync-pending', { hasText: 'Todo sincronizado' }).waitFor();
  await screenshot(a, 'door-es', { fullPage: true });
  await a.locator('nav.crumbs a.back').click();
  await a.locator('.filters button', { hasText: 'Todas' }).waitFor();
  await screenshot(a, 'walk-list-es');
  await a.locator('nav.crumbs a.back').click();
  await a.locator('#home-title', { hasText: 'Mis zonas' }).waitFor();
  await screenshot(a, 'home-es');

  const slowest = Math.max(...saveTimes);
  log(
    `ok: ${visits.length} doors recorded offline (slowest save ${slowest} ms), drained in ${drainMs} ms, ` +
      `each on the server once; Ben's knock reached Ana's walk list`,
  );
});
