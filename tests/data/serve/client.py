#!/usr/bin/env python3
"""A tiny client for `tokenrace serve` tests, on the standard library only.

    client.py naive|single_flight

Logs in with the password grant, then fires TOKENRACE_REQUESTS concurrent
resource calls with the stored AT. On a 401 a call refreshes:
  naive          each call refreshes on its own with the RT it reads then
                 (the seed race);
  single_flight  one refresh in flight, shared by every call; a call whose
                 401 was for an AT older than the stored one retries with the
                 stored AT instead of refreshing.
Each call retries once, then reports its outcome as a TOKENRACE_OUTCOME line
with what it stored.
"""
import json
import os
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

ENV = os.environ
MODE = sys.argv[1] if len(sys.argv) > 1 else "naive"
lock = threading.Lock()
store = {}
flight = {"event": None, "ok": False}


def post_form(url, fields, name):
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    req.add_header("X-Tokenrace-Client", "tab1")
    req.add_header("X-Tokenrace-Request", name)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def get_resource(at, name):
    req = urllib.request.Request(ENV["TOKENRACE_RESOURCE_URL"])
    req.add_header("Authorization", "Bearer " + at)
    req.add_header("X-Tokenrace-Client", "tab1")
    req.add_header("X-Tokenrace-Request", name)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, None


def refresh(name):
    """Naive: refresh with the RT in the store now. True on success."""
    with lock:
        rt = store["refresh_token"]
    status, body = post_form(
        ENV["TOKENRACE_TOKEN_URL"],
        {"grant_type": "refresh_token", "refresh_token": rt, "client_id": ENV["TOKENRACE_CLIENT_ID"]},
        name,
    )
    if status != 200:
        return False
    with lock:
        store["access_token"] = body["access_token"]
        store["refresh_token"] = body["refresh_token"]
    return True


def shared_refresh(name, failed_at):
    """Single flight: join the refresh in flight, or start one."""
    with lock:
        if store["access_token"] != failed_at:
            return True  # a newer AT is stored: retry with it
        event = flight["event"]
        leader = event is None
        if leader:
            event = flight["event"] = threading.Event()
    if leader:
        ok = refresh(name)
        with lock:
            flight["ok"] = ok
            flight["event"] = None
        event.set()
        return ok
    event.wait()
    with lock:
        return flight["ok"]


def call(name):
    for attempt in range(2):
        with lock:
            at = store["access_token"]
        status, body = get_resource(at, name)
        if status == 200:
            return "ok", body
        if attempt == 1:
            break
        ok = refresh(name) if MODE == "naive" else shared_refresh(name, at)
        if not ok:
            return "session_error", None
    return "session_error", None


def main():
    status, body = post_form(
        ENV["TOKENRACE_TOKEN_URL"],
        {
            "grant_type": "password",
            "username": ENV["TOKENRACE_USERNAME"],
            "password": ENV["TOKENRACE_PASSWORD"],
            "client_id": ENV["TOKENRACE_CLIENT_ID"],
        },
        "login",
    )
    assert status == 200, body
    store.update(access_token=body["access_token"], refresh_token=body["refresh_token"])
    results = {}

    def run(i):
        results[i] = call("req%d" % i)

    count = int(ENV.get("TOKENRACE_REQUESTS", "2"))
    threads = [threading.Thread(target=run, args=(i,)) for i in range(1, count + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(1, count + 1):
        result, payload = results[i]
        with lock:
            stored = dict(store)
        line = {"client": "tab1", "request": "req%d" % i, "result": result, "payload": payload, "stored": stored}
        print("TOKENRACE_OUTCOME " + json.dumps(line), flush=True)
    print('TOKENRACE_OUTCOME {"result": "done"}', flush=True)


main()
