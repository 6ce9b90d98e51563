"""Schemathesis hooks for the portal's contract run (scripts/test.sh, `run_contract_fuzzing`).

With PORTAL_FUZZ_AS=citizen every generated request carries a Bearer token of a demo citizen,
fetched fresh through the real login endpoint and renewed before it could expire or after the
fuzzer logged itself out. Without it, requests go out anonymous.
"""

import json
import os
import urllib.request

import schemathesis

BASE_URL = os.environ["PORTAL_BASE_URL"]
ACCOUNT = os.environ.get("PORTAL_FUZZ_ACCOUNT", "13900139000")
PASSWORD = os.environ.get("PORTAL_FUZZ_PASSWORD", "Demo2026pass")


def login() -> str:
    request = urllib.request.Request(
        f"{BASE_URL}/api/v1/auth/login",
        data=json.dumps({"account": ACCOUNT, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


if os.environ.get("PORTAL_FUZZ_AS") == "citizen":

    @schemathesis.auth(refresh_interval=20)
    class CitizenToken:
        def get(self, case, ctx):
            return login()

        def set(self, case, data, ctx):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"
