// oidc-provider on loopback for tokenrace's probe tests (tests/probe_oidc.rs).
//
// Configuration comes from the environment, so one file serves every test
// configuration:
//   PORT                 listen port on 127.0.0.1 (0 = any; the chosen port
//                        is printed as "listening PORT" on stdout)
//   ROTATE               "true" | "false" | "default" (oidc-provider's own
//                        rotateRefreshToken function)
//   ACCESS_TTL_S         AccessToken TTL in seconds (default 60)
//   REFRESH_TTL_S        RefreshToken TTL in seconds (default 86400)
//
// The library has no password grant; the test registers one ("password",
// username + any password "pw") that starts a new grant and issues an
// access and a refresh token the same way the authorization-code grant
// does. Everything after that, the refresh_token grant included, is the
// library's own code. The userinfo endpoint (/me) is the resource server.
import Provider, { errors } from 'oidc-provider';

const env = process.env;
const rotate = env.ROTATE ?? 'true';
const accessTtl = Number(env.ACCESS_TTL_S ?? 60);
const refreshTtl = Number(env.REFRESH_TTL_S ?? 86400);

const configuration = {
  clients: [{
    client_id: 'probe',
    client_secret: 'probe-secret',
    grant_types: ['password', 'refresh_token', 'authorization_code'],
    redirect_uris: ['http://127.0.0.1/cb'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  scopes: ['openid', 'offline_access'],
  ttl: { AccessToken: accessTtl, RefreshToken: refreshTtl, Grant: 14 * 86400 },
  features: { devInteractions: { enabled: false } },
};
if (rotate === 'true') configuration.rotateRefreshToken = true;
if (rotate === 'false') configuration.rotateRefreshToken = false;

const provider = new Provider('http://127.0.0.1', configuration);
const scope = 'openid offline_access';

async function passwordGrant(ctx) {
  const { username, password } = ctx.oidc.params;
  if (!username || password !== 'pw') throw new errors.InvalidGrant('wrong username or password');
  const { client } = ctx.oidc;
  const grant = new provider.Grant({ accountId: username, clientId: client.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const common = { accountId: username, client, grantId, gty: 'password', scope };
  const at = new provider.AccessToken(common);
  const rt = new provider.RefreshToken({ ...common, rotations: 0, iiat: Math.floor(Date.now() / 1000) });
  ctx.body = {
    access_token: await at.save(),
    expires_in: at.expiration,
    refresh_token: await rt.save(),
    scope,
    token_type: 'Bearer',
  };
}
provider.registerGrantType('password', passwordGrant, new Set(['username', 'password', 'scope']));

const server = provider.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
