// Drive oidc-client-ts in two tabs of headless Chromium against tokenrace
// serve: tab1 logs in with the authorization code flow, tab2 opens on the
// same origin (so both share localStorage), both wait past the access token's
// expiry and fire TOKENRACE_REQUESTS calls each at once. Prints one
// TOKENRACE_OUTCOME line per call, then done.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

function env(name, fallback) {
  const value = process.env[name];
  if (value) return value;
  if (fallback !== undefined) return fallback;
  console.error(`tokenrace client: ${name} is not set; run me under \`tokenrace serve SCENARIO -- node ${process.argv[1]}\``);
  process.exit(2);
}

const settings = {
  issuer: env('TOKENRACE_ISSUER'),
  resourceUrl: env('TOKENRACE_RESOURCE_URL'),
  clientId: env('TOKENRACE_CLIENT_ID', 'tokenrace'),
};
const requests = Number(env('TOKENRACE_REQUESTS', '2'));
const chromiumPath = env('TOKENRACE_CHROMIUM', '/usr/bin/chromium');

const files = {
  '/index.html': ['text/html', path.join(__dirname, 'page', 'index.html')],
  '/tab.js': ['text/javascript', path.join(__dirname, 'page', 'tab.js')],
  '/oidc-client-ts.min.js': ['text/javascript', path.join(__dirname, 'node_modules', 'oidc-client-ts', 'dist', 'browser', 'oidc-client-ts.min.js')],
};

// The app's own origin: a static server on loopback for the page and the
// library's browser build.
function startStatic() {
  const server = http.createServer((request, response) => {
    const route = new URL(request.url, 'http://x').pathname;
    if (route === '/config.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' });
      return response.end(`window.TOKENRACE = ${JSON.stringify(settings)};`);
    }
    const file = files[route];
    if (!file) { response.writeHead(route === '/favicon.ico' ? 204 : 404); return response.end(); }
    response.writeHead(200, { 'Content-Type': file[0] });
    return response.end(fs.readFileSync(file[1]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function openTab(context, origin, tab) {
  const page = await context.newPage();
  if (process.env.TOKENRACE_DEBUG) page.on('console', (message) => console.error(`[${tab}] ${message.text()}`));
  await page.goto(`${origin}/index.html?tab=${tab}`);
  await page.waitForFunction(() => document.getElementById('status').textContent !== 'loading');
  return page;
}

async function login(page) {
  // signinRedirect navigates away: start it without awaiting the page's promise,
  // then wait for the callback (?code=…) to load and finish.
  await page.evaluate(() => { window.tokenrace.login(); });
  await page.waitForURL(/[?&]code=/);
  await page.waitForFunction(() => ['signed-in', 'signed-out'].includes(document.getElementById('status').textContent)
    || document.getElementById('status').textContent.startsWith('error'));
  const status = await page.textContent('#status');
  if (status !== 'signed-in') throw new Error(`login in tab1 ended ${status}`);
}

async function run(context, origin) {
  const tab1 = await openTab(context, origin, 'tab1');
  await login(tab1);
  const tab2 = await openTab(context, origin, 'tab2');
  // serve's clock already passed the AT's expiry when the login ended; the
  // tabs find out by a 401. TOKENRACE_WAIT_MS adds a real wait.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.TOKENRACE_WAIT_MS || '0')));
  // tab1 fires first, tab2 20 ms later (well inside serve's settle window):
  // both bursts are parked together, in the same arrival order every run.
  const first = tab1.evaluate((n) => window.tokenrace.fire(n), requests);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const both = await Promise.all([first, tab2.evaluate((n) => window.tokenrace.fire(n), requests)]);
  return both.flat();
}

function report(outcome) {
  process.stdout.write(`TOKENRACE_OUTCOME ${JSON.stringify(outcome)}\n`);
}

// One persistent context = one browser profile: its pages are tabs of one
// origin and share localStorage.
async function main() {
  const server = await startStatic();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenrace-chromium-'));
  let context = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    for (const outcome of await run(context, origin)) report(outcome);
  } finally {
    if (context) await context.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  report({ result: 'done' });
}

main().catch((error) => {
  console.error(`tokenrace browser client failed: ${error.stack || error}`);
  report({ result: 'network_error', payload: { message: String(error) } });
  report({ result: 'done' });
  process.exitCode = 1;
});
