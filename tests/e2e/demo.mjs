// End-to-end check on the demo clinic (made by `btlp demo`, whose administration was nine days ago): the
// physician's deadline board shows the overdue fact-of-use report first and highlighted; the secretary sees the
// past meeting's protocol signed by all five signers, each signature verified. Started by
// scripts/e2e.sh after run.mjs, with tauri-driver pointed at the demo database.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Driver, sleep } from './webdriver.mjs';

const driverUrl = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const app = process.env.BTLP_APP;
const shots = process.env.BTLP_SCREENSHOTS;
if (!app) throw new Error('BTLP_APP must be set (scripts/e2e.sh sets it)');

const d = await Driver.start(driverUrl, app);
try {
  console.log('e2e demo: the physician sees the overdue report first, highlighted');
  await d.find('#signin-submit');
  await d.fill('login', 'doctor');
  await d.fill('password', 'doctor-demo');
  await d.click('#signin-submit');
  await d.find('#sign-out');
  await d.click('#nav-board');
  const first = await d.find('tbody tr.overdue');
  const rows = await d.findAll('tbody tr');
  const firstText = await first.text();
  if (!firstText.includes('Факт применения')) throw new Error(`the overdue row must be the fact-of-use report: ${firstText}`);
  const topText = await rows[0].text();
  if (topText !== firstText) throw new Error(`the overdue item must be listed first, saw: ${topText}`);
  if (shots) {
    await sleep(400);
    execFileSync('import', ['-window', 'root', join(shots, '16-board-overdue.png')]);
  }
  console.log('e2e demo: the secretary opens the past meeting: its protocol is signed by all, the next one has an agenda');
  await d.click('#sign-out');
  await d.find('#signin-submit');
  await d.fill('login', 'secretary');
  await d.fill('password', 'secretary-demo');
  await d.click('#signin-submit');
  await d.find('#sign-out');
  await d.click('#nav-queue');
  // Closed meetings are listed after the open one: the last row is the past meeting.
  await d.find('tr.link');
  await d.execute("const rows = document.querySelectorAll('tr.link'); rows[rows.length - 1].querySelector('td').click();", []);
  await d.waitText('#meeting-protocol', 'Протокол № 1');
  await d.waitText('#minutes-badge', 'подписан');
  const verified = await d.findAll('#minutes .verify.ok');
  if (verified.length !== 5) throw new Error(`each of the protocol's 5 signatures must verify, saw ${verified.length}`);
  await d.find('#minutes canvas', 20000);
  if (shots) {
    await d.execute("document.getElementById('minutes').scrollIntoView({ block: 'start' });", []);
    await sleep(400);
    execFileSync('import', ['-window', 'root', join(shots, '17-meeting-protocol.png')]);
  }
  console.log('e2e demo: OK');
} finally {
  await d.quit();
}
