"""The parts every Python client shares: the environment `tokenrace serve`
sets, waiting past the access token's expiry, and reporting what the user saw."""
import json
import os
import sys
import time


def env(name, fallback=None):
    value = os.environ.get(name)
    if not value:
        if fallback is not None:
            return fallback
        sys.exit(f"tokenrace client: {name} is not set; run me under "
                 f"`tokenrace serve SCENARIO -- python3 {sys.argv[0]}`")
    return value


TOKEN_URL = env("TOKENRACE_TOKEN_URL")
RESOURCE_URL = env("TOKENRACE_RESOURCE_URL")
CLIENT_ID = env("TOKENRACE_CLIENT_ID", "tokenrace")
USERNAME = env("TOKENRACE_USERNAME", "alice")
PASSWORD = env("TOKENRACE_PASSWORD", "secret")
REQUESTS = int(env("TOKENRACE_REQUESTS", "2"))
CLIENT = env("TOKENRACE_CLIENT", "tab1")
NAMES = [f"req{i + 1}" for i in range(REQUESTS)]


def headers(request=None):
    named = {"X-Tokenrace-Client": CLIENT}
    if request:
        named["X-Tokenrace-Request"] = request
    return named


def wait_seconds(token):
    """The app is idle until its AT has expired. These libraries decide
    expiry on the wall clock, from the answer's expires_in, so the app
    really waits that long, plus a margin (oauthlib rounds the issue time
    to the nearest second), unless TOKENRACE_WAIT_MS says otherwise; serve's
    clock has already passed the AT's expiry."""
    explicit = os.environ.get("TOKENRACE_WAIT_MS")
    if explicit:
        return int(explicit) / 1000
    return float(token["expires_in"]) + 0.6


def wait_past_expiry(token):
    time.sleep(wait_seconds(token))


def report(outcome):
    print("TOKENRACE_OUTCOME " + json.dumps(outcome), flush=True)


def outcome(request, result, payload, token):
    stored = {"access_token": token.get("access_token"),
              "refresh_token": token.get("refresh_token")}
    return {"client": CLIENT, "request": request, "result": result,
            "payload": payload, "stored": stored}
