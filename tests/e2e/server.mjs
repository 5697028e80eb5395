// End-to-end: the desktop app as a workstation of the clinic server. scripts/e2e.sh starts `btlp serve` on
// loopback over a demo clinic and writes its connection file; this script connects the app to it through the
// connection screen (the clinic root's fingerprint shown first), then the secretary holds a meeting where a
// member votes at the secretary's screen, and the physician records an administration — every command
// carried to the server. The QC release that makes the demo's child batch ready is done through the server's
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
  await d.waitText('.banner.ok', 'Голос учтен');
  await d.waitText('.votes-for', '1');
  await shot(d, '22-meeting-server');

  log('a member votes from their own session in a browser');
  const b = await Driver.chromium(process.env.CHROMEDRIVER_URL, process.env.BTLP_BROWSER_PROFILE);
  try {
    await b.go(`${serverUrl}/`);
    await b.waitText('#signin-where', serverUrl);
    if (shots) await b.screenshot(join(shots, '24-browser-signin.png'));
    await signIn(b, 'deputy', 'deputy-demo');
    await b.click('#nav-queue');
    await clickRow(b, fmt(today));
    await b.click('button.cast-vote');
    await b.execute(
      `const s = document.getElementById('vote-login'); s.value = 'deputy'; s.dispatchEvent(new Event('change'));`,
      [],
    );
    await b.click('#choice-for');
    await b.fill('vote-password', 'deputy-demo');
    await b.click('#vote-submit');
    await b.waitText('.banner.ok', 'Голос учтен');
    await b.waitText('.votes-for', '2');
    if (shots) await b.screenshot(join(shots, '25-browser-vote.png'));
    await b.click('#sign-out');
    await b.find('#signin-submit');
  } finally {
    await b.quit();
  }
  // The secretary's screen shows it once the meeting is opened again (live notices: the next step).
  await d.click('#nav-queue');
  await clickRow(d, fmt(today));
  await d.waitText('.votes-for', '2');
  await signOut(d);

  log('the physician records the administration on the server');
  await signIn(d, 'doctor', 'doctor-demo');
  await d.click('#nav-cases');
  await clickRow(d, 'Смирнова');
  await d.click('button.record-administration');
  await d.fill('batch', `${code}\uE007`);
  await d.waitText('#bedside-card', 'Смирнова');
  const givenAt = new Date(Date.now() - 10 * 60000);
  await d.fill('administered_at', `${fmt(givenAt)} ${hhmm(givenAt)}`);
  await d.fill('staff', 'Морозов Д. А., врач-гематолог');
  await d.click('#bedside-confirmed');
  await d.click('#administration-save');
  await d.waitText('.banner.ok', 'Введение записано');
  await d.execute("document.querySelector('.banner.ok').scrollIntoView({ block: 'start' });", []);
  await shot(d, '23-administration-server');
  log('OK');
} catch (e) {
  if (shots) execFileSync('import', ['-window', 'root', join('/tmp', 'btlp-e2e-server-failure.png')]);
  throw e;
} finally {
  await d.quit();
}
