// A hand-written axios interceptor, the way many apps write one: on a 401,
// refresh with the RT in the store and retry once. Nothing stops two 401s
// from refreshing with the same RT: this is the seed race.
'use strict';

const { axios, config, store, save, refreshWith, main } = require('./app');

const api = axios.create();
api.interceptors.request.use((request) => {
  request.headers.Authorization = `Bearer ${store.access_token}`;
  return request;
});
api.interceptors.response.use(undefined, async (error) => {
  const request = error.config;
  if (!error.response || error.response.status !== 401 || request._retried) throw error;
  request._retried = true;
  save(await refreshWith(store.refresh_token, request.headers['X-Tokenrace-Request']));
  return api(request);
});

main((name) => api.get(config.resourceUrl, {
  headers: { 'X-Tokenrace-Client': config.client, 'X-Tokenrace-Request': name },
}));
