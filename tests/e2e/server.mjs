// End-to-end: the desktop app as a workstation of the clinic server. scripts/e2e.sh starts `btlp serve` on
// loopback over a demo clinic and writes its connection file; this script connects the app to it through the
// connection screen (the clinic root's fingerprint shown first). The secretary holds a meeting at the desktop
// app, where a member votes at the secretary's screen; another member votes from their own browser session
// (headless Chromium) and the secretary's screen shows it within 2 s, without a reload; the chair votes and
// adopts from the browser; the physician records the administration from the browser, and a reload of the page
// keeps the session and stores nothing twice. The QC release that makes the demo's child batch ready is done through the server's
// own API, as the QC workstation would.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Driver, sleep } from './webdriver.mjs';

const driverUrl = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const app = process.env.BTLP_APP;
const shots = process.env.BTLP_SCREENSHOTS;
const connectFile = process.env.BTLP_CONNECT_FILE;
const serverUrl = process.env.BTLP_SERVER_URL;
if (!app || !connectFile || !serverUrl) throw new Error('BTLP_APP, BTLP_CONNECT_FILE and BTLP_SERVER_URL must be set (scripts/e2e.sh)');

const pad = (n) => String(n).padStart(2, '0');
const fmt = (d) => `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
const today = new Date();
const inDays = (n) => fmt(new Date(today.getTime() + n * 86400000));
const hhmm = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const log = (text) => console.log(`e2e server: ${text}`);
function assert(cond, why) {
  if (!cond) throw new Error(why);
}

async function shot(d, name) {
  if (!shots) return;
  await sleep(400);
  execFileSync('import', ['-window', 'root', join(shots, `${name}.png`)]);
}

/** A command on the server, as another workstation sends it (NODE_EXTRA_CA_CERTS holds the clinic root). */
async function api(token, name, args = {}) {
  const headers = { 'content-type': 'application/json', 'accept-language': 'ru' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${serverUrl}/api/v1/${name}`, { method: 'POST', headers, body: JSON.stringify(args) });
  const body = await r.json();
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(body)}`);
  return body;
}

async function signIn(d, login, password) {
  await d.find('#signin-submit');
  await d.fill('login', login);
  await d.fill('password', password);
  await d.click('#signin-submit');
  await d.find('#sign-out');
}

/** Opens the row of a list that shows `text`, once the list has loaded. */
async function clickRow(d, text) {
  await d.waitText('tr.link', text);
  await d.execute(
    "[...document.querySelectorAll('tr.link')].find((r) => r.textContent.includes(arguments[0])).querySelector('td').click();",
    [text],
  );
}

/** A member signs in at their own browser, opens today's meeting and votes «за» with their own password. */
async function voteInBrowser(b, login, password, count) {
  await signIn(b, login, password);
  await b.click('#nav-queue');
  await clickRow(b, fmt(today));
  await b.click('button.cast-vote');
  await b.execute(
    `const s = document.getElementById('vote-login'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));`,
    [login],
  );
  await b.click('#choice-for');
  await b.fill('vote-password', password);
  await b.click('#vote-submit');
  await b.waitText('.banner.ok', 'Голос учтён');
  await b.waitText('.votes-for', count);
}

async function browserSignOut(b) {
  await b.click('#sign-out');
  await b.find('#signin-submit');
}

async function signOut(d) {
  await d.click('#sign-out');
  await d.find('#signin-submit');
}

// The QC workstation releases the demo's child batch (one result was still awaited).
const qc = (await api(null, 'session_sign_in', { login: 'qc', password: 'quality-demo' })).token;
const batches = await api(qc, 'batches_list', { caseId: null });
const waiting = batches.find((b) => b.patient_name.includes('Смирнова'));
assert(waiting, `the demo has the child's batch in QC: ${JSON.stringify(batches)}`);
const batch = await api(qc, 'batches_get', { id: waiting.id });
for (const test of batch.tests.filter((t) => t.result === null)) {
  await api(qc, 'qc_record_result', { testId: test.id, result: 'Роста нет', passed: true, testedOn: fmt(today) });
}
const released = new Date(Date.now() - 60 * 60000);
await api(qc, 'qc_release', {
  batchId: waiting.id,
  form: { done_at: `${fmt(released)} ${hhmm(released)}`, place: 'ОКК', expires_on: inDays(60), storage: 'Не выше −150 °C' },
});
await api(qc, 'session_sign_out');
const code = waiting.code;

const d = await Driver.start(driverUrl, app);
try {
  log('first start: the connection screen shows the clinic root fingerprint before connecting');
  await d.click('#setup-connect');
  await d.fill('connection-path', connectFile);
  await d.click('#connection-inspect');
  const fingerprint = await (await d.find('#connection-fingerprint')).text();
  assert(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(fingerprint.trim()), `a SHA-256 fingerprint is shown: ${fingerprint}`);
  await shot(d, '20-connection');
  await d.click('#connection-confirm');
  await d.waitText('#signin-where', serverUrl);
  await shot(d, '21-signin-server');

  log('the secretary holds a meeting on the server; a member votes at the secretary’s screen');
  await signIn(d, 'secretary', 'secretary-demo');
  await d.click('#nav-queue');
  await d.fill('meeting-date', fmt(today));
  await d.click('#meeting-create');
  await d.find('#attendance-save');
  for (const login of ['chair', 'deputy', 'secretary', 'member1']) await d.click(`#present-${login}`);
  await d.click('#attendance-save');
  await d.waitText('.banner.ok', 'Явка сохранена');
  await d.click('#nav-queue');
  await d.click('button.plan-case');
  // The demo has its own meeting in four days: this one is today's.
  await d.execute(
    `const s = document.getElementById('plan-meeting');
     s.value = [...s.options].find((o) => o.text.includes(arguments[0])).value; s.dispatchEvent(new Event('change'));`,
    [fmt(today)],
  );
  await d.fill('window_from', fmt(today));
  await d.fill('window_to', inDays(14));
  await d.fill('plan-dose', '2×10⁶ CAR-T-клеток/кг');
  await d.fill('plan-route', 'внутривенно капельно');
  await d.click('#agenda-add');
  await d.gone('#agenda-add');
  await clickRow(d, fmt(today));
  await d.click('button.cast-vote');
  await d.execute(
    `const s = document.getElementById('vote-login'); s.value = 'member1'; s.dispatchEvent(new Event('change'));`,
    [],
  );
  await d.click('#choice-for');
  await d.fill('vote-password', 'member1-demo');
  await d.click('#vote-submit');
  await d.waitText('.banner.ok', 'Голос учтён');
  await d.waitText('.votes-for', '1');
  await shot(d, '22-meeting-server');

  log('a member votes from their own session in a browser; the secretary sees it arrive without a reload');
  const b = await Driver.chromium(process.env.CHROMEDRIVER_URL, process.env.BTLP_BROWSER_PROFILE);
  try {
    await b.go(`${serverUrl}/`);
    await b.waitText('#signin-where', serverUrl);
    if (shots) await b.screenshot(join(shots, '24-browser-signin.png'));
    await voteInBrowser(b, 'deputy', 'deputy-demo', '2');
    const voted = Date.now();
    // The secretary's desktop screen was left on the meeting: the live notice must bring the vote within 2 s.
    await d.waitText('.votes-for', '2', 2000);
    log(`the vote appeared on the secretary's screen ${Date.now() - voted} ms after it was stored`);
    await shot(d, '22-meeting-server-live');
    if (shots) await b.screenshot(join(shots, '25-browser-vote.png'));
    await browserSignOut(b);

    log('the chair votes and adopts the decision from the browser; the secretary sees the adoption live');
    await voteInBrowser(b, 'chair', 'chair-demo', '3');
    await b.click('button.adopt');
    await b.find('#confirm-ok');
    await b.click('#confirm-ok');
    await b.waitText('h1', 'Решение №');
    const adopted = Date.now();
    await d.waitText('.agenda-item button.primary', 'Открыть решение', 2000);
    log(`the adoption appeared on the secretary's screen ${Date.now() - adopted} ms after it was stored`);
    if (shots) await b.screenshot(join(shots, '26-browser-decision.png'));
    await browserSignOut(b);

    log('the physician records the administration from the browser');
    await signIn(b, 'doctor', 'doctor-demo');
    await b.click('#nav-cases');
    await clickRow(b, 'Смирнова');
    const before = (await b.findAll('.administration')).length;
    await b.click('button.record-administration');
    await b.fill('batch', `${code}\uE007`);
    await b.waitText('#bedside-card', 'Смирнова');
    const givenAt = new Date(Date.now() - 10 * 60000);
    await b.fill('administered_at', `${fmt(givenAt)} ${hhmm(givenAt)}`);
    await b.fill('staff', 'Морозов Д. А., врач-гематолог');
    await b.click('#bedside-confirmed');
    await b.click('#administration-save');
    await b.waitText('.banner.ok', 'Введение записано');
    await b.execute("document.querySelector('.banner.ok').scrollIntoView({ block: 'start' });", []);
    if (shots) await b.screenshot(join(shots, '23-browser-administration.png'));

    log('a reload of the page keeps the session and sends nothing again');
    await b.go(`${serverUrl}/`);
    await b.find('#sign-out');
    await b.click('#nav-cases');
    await clickRow(b, 'Смирнова');
    await b.find('.administration');
    const after = (await b.findAll('.administration')).length;
    assert(after === before + 1, `the administration is stored once, before a reload and after it: ${before} → ${after}`);
    await browserSignOut(b);
  } finally {
    await b.quit();
  }
  await signOut(d);
  log('OK');
} catch (e) {
  if (shots) execFileSync('import', ['-window', 'root', join('/tmp', 'btlp-e2e-server-failure.png')]);
  throw e;
} finally {
  await d.quit();
}
