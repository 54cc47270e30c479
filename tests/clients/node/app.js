// The parts every Node client shares: the environment `tokenrace serve` sets,
// the test login (password grant), the token store, waiting past the access
// token's expiry, and reporting what the user saw.
'use strict';

const axios = require('axios');

function env(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    console.error(`tokenrace client: ${name} is not set; run me under \`tokenrace serve SCENARIO -- node ${process.argv[1]}\``);
    process.exit(2);
  }
  return value;
}

const config = {
  tokenUrl: env('TOKENRACE_TOKEN_URL'),
  resourceUrl: env('TOKENRACE_RESOURCE_URL'),
  clientId: env('TOKENRACE_CLIENT_ID', 'tokenrace'),
  username: env('TOKENRACE_USERNAME', 'alice'),
  password: env('TOKENRACE_PASSWORD', 'secret'),
  requests: Number(env('TOKENRACE_REQUESTS', '2')),
  client: env('TOKENRACE_CLIENT', 'tab1'),
};

// One tab's token store, as an app keeps it in memory.
const store = { access_token: null, refresh_token: null };

function save(answer) {
  store.access_token = answer.access_token;
  if (answer.refresh_token) store.refresh_token = answer.refresh_token;
}

function report(outcome) {
  process.stdout.write(`TOKENRACE_OUTCOME ${JSON.stringify(outcome)}\n`);
}

function stored() {
  return { access_token: store.access_token, refresh_token: store.refresh_token };
}

const form = (fields) => new URLSearchParams(fields).toString();
const formHeaders = (request) => ({
  'Content-Type': 'application/x-www-form-urlencoded',
  'X-Tokenrace-Client': config.client,
  ...(request ? { 'X-Tokenrace-Request': request } : {}),
});

async function login() {
  const fields = { grant_type: 'password', username: config.username, password: config.password, client_id: config.clientId };
  const { data } = await axios.post(config.tokenUrl, form(fields), { headers: formHeaders() });
  save(data);
}

// The refresh every client sends: RFC 6749 section 6, with the RT it is given.
async function refreshWith(refreshToken, request) {
  const fields = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: config.clientId };
  const { data } = await axios.post(config.tokenUrl, form(fields), { headers: formHeaders(request) });
  return data;
}

// The app is idle until its AT has expired. serve moves its virtual clock
// to the script's `request` time as soon as the login is done, so the AT is
// already expired there and a 401-driven client needs no real wait;
// TOKENRACE_WAIT_MS adds one (e.g. against a wall-clock server).
function waitPastExpiry() {
  const ms = Number(process.env.TOKENRACE_WAIT_MS || '0');
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// What the user of request `name` saw when `call` settled.
async function outcomeOf(name, call) {
  try {
    const response = await call();
    return { client: config.client, request: name, result: 'ok', payload: response.data };
  } catch (error) {
    const status = error.response ? error.response.status : null;
    const result = status === null ? 'network_error' : 'session_error';
    return { client: config.client, request: name, result, payload: { status, message: error.message } };
  }
}

// Log in, wait past the AT's expiry, fire the concurrent calls, report each.
async function runApp(callApi) {
  await login();
  await waitPastExpiry();
  const names = Array.from({ length: config.requests }, (_, i) => `req${i + 1}`);
  const outcomes = await Promise.all(names.map((name) => outcomeOf(name, () => callApi(name))));
  for (const outcome of outcomes) report({ ...outcome, stored: stored() });
  report({ result: 'done' });
}

function main(callApi) {
  runApp(callApi).catch((error) => {
    console.error(`tokenrace client failed before its calls: ${error.stack || error}`);
    report({ client: config.client, result: 'network_error', payload: { message: String(error) } });
    report({ result: 'done' });
    process.exitCode = 1;
  });
}

module.exports = { axios, config, store, save, refreshWith, main };
