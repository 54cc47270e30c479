// One tab of a single-page app that uses oidc-client-ts: log in with the
// authorization code flow (PKCE), keep the user in localStorage (so every tab
// of the origin shares it), call the API with the stored access token, and on
// a 401 renew with the refresh token (`signinSilent`). Within one tab renewals
// are single-flight, and a 401 for an access token older than the stored one
// retries with the stored one: the usual app code around oidc-client-ts.
// Nothing coordinates two tabs.
'use strict';

const config = window.TOKENRACE;
const tab = new URLSearchParams(location.search).get('tab') || 'tab1';
const manager = new oidc.UserManager({
  authority: config.issuer,
  client_id: config.clientId,
  redirect_uri: `${location.origin}/index.html?tab=${tab}`,
  response_type: 'code',
  scope: 'api offline_access',
  loadUserInfo: false,
  automaticSilentRenew: false,
  extraHeaders: { 'X-Tokenrace-Client': tab },
  userStore: new oidc.WebStorageStateStore({ store: window.localStorage }),
});

let renewing = null;

function renew() {
  if (!renewing) renewing = manager.signinSilent().finally(() => { renewing = null; });
  return renewing;
}

async function callWith(accessToken, name) {
  return fetch(config.resourceUrl, {
    headers: {
      Authorization: `Bearer ${accessToken}`,
      'X-Tokenrace-Client': tab,
      'X-Tokenrace-Request': name,
    },
  });
}

async function callApi(name) {
  const used = (await manager.getUser()).access_token;
  let response = await callWith(used, name);
  if (response.status === 401) {
    const stored = await manager.getUser();
    const fresh = stored && stored.access_token !== used ? stored : await renew();
    response = await callWith(fresh.access_token, name);
  }
  if (response.status !== 200) throw Object.assign(new Error(`status ${response.status}`), { status: response.status });
  return response.json();
}

async function outcomeOf(name) {
  try {
    return { client: tab, request: name, result: 'ok', payload: await callApi(name) };
  } catch (error) {
    const result = error.status || error.name === 'ErrorResponse' ? 'session_error' : 'network_error';
    return { client: tab, request: name, result, payload: { message: String(error.message || error) } };
  }
}

async function stored() {
  const user = await manager.getUser();
  return user ? { access_token: user.access_token, refresh_token: user.refresh_token } : {};
}

// Called by the driver through page.evaluate.
window.tokenrace = {
  login: () => manager.signinRedirect(),
  fire: async (count) => {
    const names = Array.from({ length: count }, (_, i) => `req${i + 1}`);
    const outcomes = await Promise.all(names.map(outcomeOf));
    const now = await stored();
    return outcomes.map((outcome) => ({ ...outcome, stored: now }));
  },
};

(async () => {
  const status = document.getElementById('status');
  if (new URLSearchParams(location.search).has('code')) {
    await manager.signinCallback();
    history.replaceState(null, '', `/index.html?tab=${tab}`);
  }
  const user = await manager.getUser();
  status.textContent = user ? 'signed-in' : 'signed-out';
})().catch((error) => {
  document.getElementById('status').textContent = `error: ${error.message}`;
});
