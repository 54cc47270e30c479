"""Authlib's AsyncOAuth2Client (httpx) as its docs show it: the token
endpoint set, so an expired token is refreshed before a call, under the
client's async lock that re-checks expiry; `update_token` stores the answer.
The concurrent calls are asyncio tasks on one client."""
import asyncio
import warnings

import authlib.deprecate

# Authlib 1.9 warns that its httpx integration will move to httpx2; the API
# used here is the same.
warnings.filterwarnings("ignore", category=authlib.deprecate.AuthlibDeprecationWarning)

from authlib.integrations.base_client import OAuthError  # noqa: E402
from authlib.integrations.httpx_client import AsyncOAuth2Client  # noqa: E402
import httpx  # noqa: E402

import app  # noqa: E402


async def update_token(token, refresh_token=None, access_token=None):
    STORE.update(token)


STORE = {}


async def call(client, name):
    try:
        response = await client.get(app.RESOURCE_URL, headers=app.headers(name))
    except OAuthError as error:
        return app.outcome(name, "session_error", {"error": error.error}, STORE)
    except httpx.HTTPError as error:
        return app.outcome(name, "network_error", {"message": str(error)}, STORE)
    if response.status_code == 200:
        return app.outcome(name, "ok", response.json(), STORE)
    return app.outcome(name, "session_error", {"status": response.status_code}, STORE)


async def main():
    client = AsyncOAuth2Client(
        client_id=app.CLIENT_ID, token_endpoint=app.TOKEN_URL,
        token_endpoint_auth_method="none", update_token=update_token,
        leeway=0, headers=app.headers(), timeout=30)
    async with client:
        token = await client.fetch_token(
            app.TOKEN_URL, grant_type="password",
            username=app.USERNAME, password=app.PASSWORD)
        STORE.update(token)
        await asyncio.sleep(app.wait_seconds(token))
        outcomes = await asyncio.gather(*(call(client, n) for n in app.NAMES))
    for outcome in outcomes:
        app.report(outcome)
    app.report({"result": "done"})


asyncio.run(main())
