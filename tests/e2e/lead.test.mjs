// Browser end-to-end test of the field lead's screens: the real campaign server (demo
// data), two devices in the browser (two `groundgame-liveview` processes: the lead's, joined
// with the lead invite, and Ana's, a volunteer) and a third volunteer, Ben, whose phone is
// played through the API.
//
//  1. Ana joins through the UI and is given a turf (API). The lead joins with the lead
//     invite; Home shows the "Field lead" entry; the dashboard shows the figures.
//  2. In the lead's Assign screen the turf goes from Ana to Ben (tap Ana off, Ben on, Save);
//     the server says Ben alone has it.
//  3. Ben's phone (the API) pulls the turf, records a few days of knocks, conversations,
//     support answers and asks, and pushes them (Cam does the same in the other turf); the
//     lead taps Refresh and the dashboard counts every knock.
//  4. The lead revokes Ana's device in the People screen (with its confirm step); at its
//     next sync Ana's app is told it was removed and its voter data is gone.
//     An invite code made in the Invites screen is shown once and lists who joined with it.
//  5. With GROUNDGAME_SCREENSHOTS=DIR: the dashboard with its charts (English, Spanish) and
//     the turf map.
//
// Run: tests/e2e/run.sh lead

import { join } from 'node:path';
import {
  api, check, joinApp, launchBrowser, liveviewBin, log, openPage, register, run, screenshot, seedDemo, serverBin, start, tmp,
} from './lib.mjs';

async function syncNow(page) {
  await page.locator('.sync-bar button', { hasText: /Sync now|Sincronizar/ }).click();
}

/** The lead screens' tabs, by position (the same in both languages). */
const TAB = { dashboard: 0, map: 1, people: 2, assign: 3, invites: 4 };
async function tab(page, name) {
  await page.locator('.lead-tabs a').nth(TAB[name]).click();
  await page.locator(`.lead-tabs a.active`).nth(0).waitFor();
}

/** Wait until the lead's figures are fresh from the server (not a cached or failed fetch). */
async function waitFresh(page, what) {
  try {
    await page.locator('#lead-status.fresh').waitFor({ timeout: 15_000 });
  } catch {
    const status = await page.locator('#lead-status').innerText().catch(() => '(no status line)');
    throw new Error(`${what}: the lead's figures never came fresh; the status line says: ${status}`);
  }
}

/** A UUIDv7 (48-bit ms time, version 7, RFC 4122 variant), as a device makes them. */
function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let t = Date.now();
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A hybrid logical timestamp for a time in ms: ms << 16 (exact in a double). */
const hlc = (ms) => ms * 65536;

/**
 * A volunteer's phone, played through the API: pull the turf, knock `doors` doors over
 * the last `days` days (late afternoons, a few minutes apart), with conversations, support
 * answers, pledges and asks, and push it all. Returns the number of knocks.
 */
async function fieldDay(serverUrl, token, turf, doors, days) {
  const page = await api(serverUrl, 'POST', '/api/v1/pull', {
    token,
    body: { protocol: 1, scopes: [], limit: 5000 },
  });
  const scope = page.scopes.find((s) => s.turf.id === turf);
  check(scope && scope.households.length >= doors, `the pull has no turf ${turf} with ${doors} doors`);
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const events = [];
  let knocks = 0;
  for (let i = 0; i < doors; i++) {
    const household = scope.households[i].id;
    // Past days only: late afternoons that have already happened, whatever the hour now.
    const day = days - (i % days);
    const ms = Math.min(
      today.getTime() - day * 86_400_000 + (15 + (i % 5)) * 3_600_000 + i * 170_000,
      Date.now() - 60_000,
    );
    const voter = scope.people.find((p) => p.household === household);
    knocks += 1;
    if (voter && i % 4 === 1) {
      events.push({ id: uuid(), at: hlc(ms), household, person: voter.id, body: { kind: 'contact', channel: 'door', result: 'talked' } });
      events.push({ id: uuid(), at: hlc(ms + 20_000), household, person: voter.id, body: { kind: 'survey', question: 'support', answer: String(1 + (i % 5)) } });
      if (i % 8 === 1) {
        events.push({ id: uuid(), at: hlc(ms + 40_000), household, person: voter.id, body: { kind: 'ask', ask: 'pledge', answer: 'yes' } });
      } else {
        events.push({ id: uuid(), at: hlc(ms + 40_000), household, person: voter.id, body: { kind: 'ask', ask: 'volunteer', answer: 'yes' } });
      }
    } else if (voter && i % 7 === 3) {
      events.push({ id: uuid(), at: hlc(ms), household, person: voter.id, body: { kind: 'contact', channel: 'door', result: 'refused' } });
    } else {
      events.push({ id: uuid(), at: hlc(ms), household, body: { kind: 'contact', channel: 'door', result: 'not_home' } });
    }
  }
  const pushed = await api(serverUrl, 'POST', '/api/v1/push', {
    token,
    body: { protocol: 1, events, pending: 0 },
  });
  const refused = pushed.results.filter((r) => r !== 'accepted');
  check(refused.length === 0, `a push was not all accepted: ${JSON.stringify(refused.slice(0, 3))}`);
  return knocks;
}

async function statNumber(page, id) {
  return Number((await page.locator(`#${id}`).textContent({ timeout: 5_000 })).trim());
}

run('lead (dashboard, reassignment, revocation, screenshots)', 170_000, async () => {
  const db = join(tmp, 'server.sqlite');
  const demo = seedDemo(db, 240, 2);
  const turf = demo.turfs[0];
  const server = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);
  const serverUrl = server.url;
  log(`server on ${serverUrl}; campaign ${demo.campaign}, turfs ${demo.turfs.join(', ')}`);
  // A second lead device through the API, to check what the server holds.
  const checker = await register(serverUrl, demo.leadInvite, 'E2E Checker', 'Checker laptop');
  const [leadApp, anaApp] = await Promise.all([
    start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'lead')]),
    start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'ana')]),
  ]);
  const browser = await launchBrowser();

  // ---- 1. Ana joins and gets the turf; the lead joins and opens the dashboard. ----
  const a = await openPage(browser, anaApp.url);
  const anaName = 'Ana Reyes';
  await joinApp(a, serverUrl, demo.volunteerInvite, anaName);
  const ben = await register(serverUrl, demo.volunteerInvite, 'Ben Okafor', "Ben's phone");
  const people = await api(serverUrl, 'GET', '/api/v1/volunteers', { token: checker.token });
  const anaId = people.volunteers.find((v) => v.name === anaName)?.id;
  check(anaId, `the lead's volunteer list has no "${anaName}"`);
  const benId = ben.volunteer;
  await api(serverUrl, 'PUT', `/api/v1/turfs/${turf}/assignees`, {
    token: checker.token,
    body: { volunteers: [anaId] },
  });
  await syncNow(a);
  await a.locator('a.turf').first().waitFor({ timeout: 15_000 });
  log(`Ana joined and holds turf ${turf}`);

  const l = await openPage(browser, leadApp.url);
  await joinApp(l, serverUrl, demo.leadInvite, 'Lee Field');
  await l.locator('#lead-entry').waitFor();
  check(
    (await a.locator('#lead-entry').count()) === 0,
    'a volunteer\'s home screen shows the field lead entry',
  );
  await l.click('#lead-entry');
  await waitFresh(l, 'the first dashboard');
  const knocksBefore = await statNumber(l, 'stat-knocks');
  log(`the lead's dashboard is up: ${knocksBefore} knocks so far`);

  // ---- 2. Reassign the turf from Ana to Ben in the UI. ----
  await tab(l, 'assign');
  const row = l.locator(`li[data-target="turf-${turf}"]`);
  await row.waitFor();
  await l.click(`#turf-${turf}-change`);
  await l.locator(`#turf-${turf}-v${anaId}[aria-pressed="true"]`).waitFor();
  await l.click(`#turf-${turf}-v${anaId}`);
  await l.locator(`#turf-${turf}-v${anaId}[aria-pressed="false"]`).waitFor();
  await l.click(`#turf-${turf}-v${benId}`);
  await l.locator(`#turf-${turf}-v${benId}[aria-pressed="true"]`).waitFor();
  await l.click(`#turf-${turf}-save`);
  await row.locator('.assignees', { hasText: 'Ben Okafor' }).waitFor({ timeout: 15_000 });
  const turfs = await api(serverUrl, 'GET', '/api/v1/turfs', { token: checker.token });
  const assignees = turfs.turfs.find((t) => t.id === turf)?.assignees;
  check(
    JSON.stringify(assignees) === JSON.stringify([benId]),
    `after the reassignment the server has ${JSON.stringify(assignees)} on turf ${turf}, not only Ben (${benId})`,
  );
  log(`turf ${turf} reassigned from Ana to Ben through the UI`);

  // ---- 3. Ben's phone knocks doors and syncs; the lead sees them. ----
  const benKnocks = await fieldDay(serverUrl, ben.token, turf, 30, 3);
  // Cam walks the other turf (so the charts have more than one bar).
  const cam = await register(serverUrl, demo.volunteerInvite, 'Cam Diaz', "Cam's phone");
  await api(serverUrl, 'PUT', `/api/v1/turfs/${demo.turfs[1]}/assignees`, {
    token: checker.token,
    body: { volunteers: [cam.volunteer] },
  });
  const camKnocks = await fieldDay(serverUrl, cam.token, demo.turfs[1], 14, 2);
  const knocked = benKnocks + camKnocks;
  log(`Ben pushed ${benKnocks} knocks, Cam ${camKnocks}`);
  await tab(l, 'dashboard');
  await l.click('#lead-refresh');
  await waitFresh(l, 'after Ben synced');
  try {
    await l.waitForFunction(
      (want) => Number(document.querySelector('#stat-knocks')?.textContent?.trim()) === want,
      knocksBefore + knocked,
      { timeout: 10_000, polling: 100 },
    );
  } catch {
    throw new Error(`the dashboard shows ${await statNumber(l, 'stat-knocks')} knocks, not ${knocksBefore + knocked}`);
  }
  log(`after Ben's and Cam's syncs the lead's dashboard counts ${knocksBefore + knocked} knocks`);
  await l.locator('svg#chart-turfs, svg[aria-labelledby^="chart-turfs"]').first().waitFor();
  await screenshot(l, 'lead-dashboard', { fullPage: true });
  await l.click('.lang-switch');
  await l.locator('#lead-status', { hasText: /Cifras de|cifras/ }).waitFor();
  await screenshot(l, 'lead-dashboard-es', { fullPage: true });
  await l.click('.lang-switch');
  await l.locator('#lead-status', { hasText: /Figures from/ }).waitFor();

  // The turf map, from the lead device's own copy of the campaign.
  await syncNow(l);
  await tab(l, 'map');
  await l.locator('.map-dot').first().waitFor({ timeout: 15_000 });
  await screenshot(l, 'lead-turf-map', { fullPage: true });

  // An invite made in the UI: shown once, then listed with who joined with it.
  await tab(l, 'invites');
  await l.click('#invite-role-volunteer');
  await l.fill('#invite-uses', '2');
  await l.fill('#invite-days', '7');
  await l.click('#invite-make-button');
  const code = (await l.locator('#invite-code').textContent({ timeout: 10_000 })).trim();
  check(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(code), `the new invite code looks wrong: "${code}"`);
  await register(serverUrl, code, 'Dee Park', "Dee's phone");
  await waitFresh(l, 'after making the invite');
  await l.click('#lead-refresh');
  await waitFresh(l, 'after Dee joined');
  await l.locator('li.invite', { hasText: 'Dee Park' }).waitFor({ timeout: 10_000 });
  check(
    !(await l.locator('.lead-list').innerText()).includes(code),
    'the invite list shows the code itself',
  );
  log('an invite made in the UI lists who joined with it');

  // ---- 4. Revoke Ana's device; it is wiped at its next contact. ----
  await tab(l, 'people');
  const anaRow = l.locator(`li[data-volunteer="${anaId}"]`);
  await anaRow.locator('button[data-action="revoke"]').click();
  await anaRow.locator('button[data-action="confirm-revoke"]').click();
  await anaRow.locator('.badge.refused').waitFor({ timeout: 15_000 });
  const after = await api(serverUrl, 'GET', '/api/v1/volunteers', { token: checker.token });
  const anaDevices = after.volunteers.find((v) => v.id === anaId)?.devices ?? [];
  check(anaDevices.length === 1 && anaDevices[0].revoked, `Ana's device is not revoked on the server: ${JSON.stringify(anaDevices)}`);
  log("Ana's device revoked through the UI");
  await syncNow(a);
  await a.locator('.sync-bar.problem', { hasText: /Removed by your lead/ }).waitFor({ timeout: 15_000 });
  await a.goto(anaApp.url);
  await a.locator('#join-server').waitFor({ timeout: 15_000 });
  check((await a.locator('a.turf').count()) === 0, "Ana's revoked device still lists a turf");
  log("Ana's app says it was removed and shows no campaign data");
});
