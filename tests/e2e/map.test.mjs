// Browser end-to-end test of the canvasser's map: the real campaign server (demo data,
// whose town comes with a street map), the real app served by groundgame-liveview, and
// headless Chromium at a phone's size with its geolocation faked (the one thing a test
// cannot have: a GPS). The lead's device joins and syncs; the turf's map arrives with the
// turf. On the map screen the streets and every placed door are drawn from the phone's own
// data, the volunteer's position is shown, the nearest door not visited yet is named and
// opens; then the server goes away (airplane mode) and the map still draws everything.
//
// Run: tests/e2e/run.sh map (builds the binaries, installs playwright-core).

import { join } from 'node:path';
import {
  api, check, joinApp, launchBrowser, liveviewBin, log, openPage, register, run, screenshot, seedDemo, serverBin, start, stop, tmp,
} from './lib.mjs';

run('map (streets and doors with no signal, where I am, the nearest door)', 90_000, async () => {
  const db = join(tmp, 'server.sqlite');
  const demo = seedDemo(db, 300, 2);
  const server = await start(serverBin, ['serve', '--data', db, '--addr', '127.0.0.1:0']);

  // What the server sends a phone for the first turf, read through the API as a laptop.
  const laptop = await register(server.url, demo.leadInvite, 'E2E Lead', 'laptop');
  const pulled = await api(server.url, 'POST', '/api/v1/pull', {
    token: laptop.token,
    body: { protocol: 1, scopes: [], limit: 5000, maps: true },
  });
  const page1 = pulled.scopes.find((s) => s.turf.id === demo.turfs[0]);
  check(page1, 'the first turf came in the pull');
  check(page1.map && page1.map.lines.length > 0, `the turf's page carried its streets: ${JSON.stringify(page1.map)}`);
  const placed = page1.households.filter((h) => h.lat !== null && h.unit === '');
  check(placed.length > 4, 'the demo doors have places');
  // Stand at a door in the middle of the turf: it is the nearest one not visited.
  const target = placed[Math.floor(placed.length / 2)];
  const address = `${target.number} ${target.street}`;
  log(`standing at ${address}`);

  const { url: app } = await start(liveviewBin, ['--addr', '127.0.0.1:0', '--data', join(tmp, 'device')]);
  const browser = await launchBrowser();
  await browser.grantPermissions(['geolocation'], { origin: new URL(app).origin });
  await browser.setGeolocation({ latitude: target.lat, longitude: target.lon, accuracy: 8 });
  const page = await openPage(browser, app);
  await joinApp(page, server.url, demo.leadInvite, 'E2E Lead');
  await page.getByText('All records synced').waitFor({ timeout: 20_000 });

  await page.locator('a.turf', { hasText: page1.turf.name }).click();
  await page.locator('a.door-row').first().waitFor();
  await page.click('#open-map');
  await page.locator('#map-screen-title').waitFor();

  const drawn = async (what) => {
    // Attached, not 'visible': a street running due east has a bounding box 0 px high.
    await page.locator('polyline.map-street').first().waitFor({ state: 'attached', timeout: 10_000 });
    const streets = await page.locator('polyline.map-street').count();
    const dots = await page.locator('circle.map-dot').count();
    const doors = page1.households.filter((h) => h.lat !== null).length;
    check(streets === page1.map.lines.length, `${what}: ${streets} streets drawn, the map has ${page1.map.lines.length}`);
    check(dots === doors, `${what}: ${dots} doors drawn of ${doors} placed`);
  };
  await drawn('online');
  await page.locator('#map-me').waitFor({ timeout: 15_000 });
  await page.locator('#nearest-door', { hasText: address }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'map-en', { fullPage: true });

  // The nearest door opens.
  await page.click('#open-nearest');
  await page.locator('#door-title', { hasText: target.number }).waitFor();
  const title = await page.locator('#door-title').textContent();
  check(title.includes(target.street), `the nearest door opened: ${title}`);

  // Airplane mode: the server is gone; the map is the phone's own.
  await stop(server.child);
  await page.goBack();
  await page.locator('#map-screen-title').waitFor();
  await drawn('offline');
  await page.locator('#nearest-door', { hasText: address }).waitFor({ timeout: 10_000 });

  // Tapping a door on the map opens it too.
  const other = placed[0];
  await page.click(`circle[data-household="${other.id}"]`);
  await page.locator('#door-title', { hasText: other.number }).waitFor();
});
