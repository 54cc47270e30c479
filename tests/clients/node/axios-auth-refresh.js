// axios + axios-auth-refresh as its README shows it: createAuthRefresh with a
// refresh call that reads the stored RT, and a request interceptor that puts
// the stored AT on every call. TOKENRACE_DEDUPLICATE=false turns off the
// library's `deduplicateRefresh` (on by default).
'use strict';

const createAuthRefresh = require('axios-auth-refresh').default;
const { axios, config, store, save, refreshWith, main } = require('./app');

const api = axios.create();
api.interceptors.request.use((request) => {
  request.headers.Authorization = `Bearer ${store.access_token}`;
  return request;
});

async function refreshAuthLogic(failed) {
  const answer = await refreshWith(store.refresh_token, failed.config.headers['X-Tokenrace-Request']);
  save(answer);
  failed.response.config.headers.Authorization = `Bearer ${answer.access_token}`;
}

createAuthRefresh(api, refreshAuthLogic, {
  statusCodes: [401],
  deduplicateRefresh: process.env.TOKENRACE_DEDUPLICATE !== 'false',
});

main((name) => api.get(config.resourceUrl, {
  headers: { 'X-Tokenrace-Client': config.client, 'X-Tokenrace-Request': name },
}));
