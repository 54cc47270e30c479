"""requests-oauthlib's OAuth2Session with auto_refresh_url, as its docs show
it: an expired token is refreshed inside `get`, with the RT the session holds,
and `token_updater` stores the answer. There is no lock: the concurrent calls
are threads sharing the session, as a threaded web app or worker pool does."""
import os
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # serve is plain HTTP on loopback

from oauthlib.oauth2 import LegacyApplicationClient, OAuth2Error  # noqa: E402
import requests  # noqa: E402
from requests_oauthlib import OAuth2Session  # noqa: E402

import app  # noqa: E402

STORE = {}


def call(session, name):
    try:
        response = session.get(app.RESOURCE_URL, headers=app.headers(name), timeout=30)
    except OAuth2Error as error:
        return app.outcome(name, "session_error", {"error": error.error}, STORE)
    except requests.RequestException as error:
        return app.outcome(name, "network_error", {"message": str(error)}, STORE)
    if response.status_code == 200:
        return app.outcome(name, "ok", response.json(), STORE)
    return app.outcome(name, "session_error", {"status": response.status_code}, STORE)


def main():
    session = OAuth2Session(
        client=LegacyApplicationClient(client_id=app.CLIENT_ID),
        auto_refresh_url=app.TOKEN_URL,
        auto_refresh_kwargs={"client_id": app.CLIENT_ID},
        token_updater=STORE.update)
    session.headers.update(app.headers())
    token = session.fetch_token(
        app.TOKEN_URL, username=app.USERNAME, password=app.PASSWORD,
        include_client_id=True)
    STORE.update(token)
    app.wait_past_expiry(token)
    with ThreadPoolExecutor(max_workers=len(app.NAMES)) as pool:
        outcomes = list(pool.map(lambda name: call(session, name), app.NAMES))
    for outcome in outcomes:
        app.report(outcome)
    app.report({"result": "done"})


main()
