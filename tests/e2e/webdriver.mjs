// A small W3C WebDriver client over fetch (Node 20), enough to drive the app through tauri-driver:
// sessions, finding elements, typing, clicking, reading text and waiting. No dependencies, so the test
// command installs nothing for it.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecc';

export class Driver {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application) {
    const body = {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } },
    };
    const value = await request('POST', `${base}/session`, body);
    return new Driver(base, value.sessionId);
  }

  /** A headless Chromium (through chromedriver) with its own profile folder, for the browser workstation. */
  static async chromium(base, profile) {
    const args = ['--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--window-size=1280,800', `--user-data-dir=${profile}`];
    const body = { capabilities: { alwaysMatch: { browserName: 'chrome', 'goog:chromeOptions': { args } } } };
    const value = await request('POST', `${base}/session`, body);
    return new Driver(base, value.sessionId);
  }

  async go(url) {
    await this.cmd('POST', '/url', { url });
  }

  /** The page as a PNG, from the driver itself (a headless browser has no window on the display). */
  async screenshot(path) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, Buffer.from(await this.cmd('GET', '/screenshot'), 'base64'));
  }

  /** The handles of the session's windows (the app's own and those it opened). */
  windows() {
    return this.cmd('GET', '/window/handles');
  }

  /** Commands go to the window with this handle from now on. */
  async switchTo(handle) {
    await this.cmd('POST', '/window', { handle });
  }

  async quit() {
    await request('DELETE', `${this.base}/session/${this.id}`).catch(() => undefined);
  }

  cmd(method, path, body) {
    return request(method, `${this.base}/session/${this.id}${path}`, body);
  }

  async findAll(css) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    // WebKitWebDriver answers with the W3C key; older drivers used `ELEMENT`.
    return found.map((e) => new Element(this, e[ELEMENT] ?? e.ELEMENT ?? Object.values(e)[0]));
  }

  /** Waits until `css` matches a displayed element and returns it. */
  async find(css, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      try {
        for (const el of await this.findAll(css)) {
          if (await el.displayed()) return el;
        }
      } catch (e) {
        last = String(e);
      }
      await sleep(100);
    }
    throw new Error(`no visible element matches ${css} within ${timeoutMs} ms ${last}`);
  }

  /** Waits until an element matching `css` shows `text` (a substring). */
  async waitText(css, text, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let seen = [];
    while (Date.now() < until) {
      seen = [];
      for (const el of await this.findAll(css).catch(() => [])) {
        const t = await el.text().catch(() => '');
        seen.push(t);
        if (t.includes(text)) return el;
      }
      await sleep(100);
    }
    throw new Error(`no ${css} shows "${text}" within ${timeoutMs} ms; seen: ${JSON.stringify(seen).slice(0, 800)}`);
  }

  async gone(css, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const els = await this.findAll(css).catch(() => []);
      let visible = false;
      for (const el of els) if (await el.displayed().catch(() => false)) visible = true;
      if (!visible) return;
      await sleep(100);
    }
    throw new Error(`${css} still visible after ${timeoutMs} ms`);
  }

  execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Types into the field with this id, replacing what it held. */
  async fill(id, text) {
    const el = await this.find(`#${id}`);
    await el.clear();
    await el.type(text);
  }

  async click(css) {
    await (await this.find(css)).click();
  }
}

export class Element {
  constructor(driver, id) {
    this.d = driver;
    this.id = id;
  }
  click() {
    return this.d.cmd('POST', `/element/${this.id}/click`, {});
  }
  clear() {
    return this.d.cmd('POST', `/element/${this.id}/clear`, {});
  }
  type(text) {
    return this.d.cmd('POST', `/element/${this.id}/value`, { text });
  }
  text() {
    return this.d.cmd('GET', `/element/${this.id}/text`);
  }
  displayed() {
    return this.d.cmd('GET', `/element/${this.id}/displayed`);
  }
  property(name) {
    return this.d.cmd('GET', `/element/${this.id}/property/${name}`);
  }
}

async function request(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 500)}`);
  }
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
