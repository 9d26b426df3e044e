"""One service instance's deletion over the contract's HTTP protocol: DELETE, then follow 202 polls to the result.

Plain standard library, so the DAG needs nothing beyond Airflow itself, and so it can be read beside
bench/gather-delete.ts, which does the same in TypeScript.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin

POLL_INTERVAL_SECONDS = 0.2
REQUEST_TIMEOUT_SECONDS = 60
# The contract's retryable answers; every other failure is the service refusing, which a retry cannot mend.
RETRYABLE_STATUSES = {429, 502, 503, 504}


class RetryableDeletionError(Exception):
    """The service was busy or unreachable: Airflow's retries should try again."""


class DeletionRefused(Exception):
    """The service refused (400/401/403/404/409/422): retrying would only repeat the refusal."""


def idempotency_key(run_id: str, instance_id: str) -> str:
    """The same key for every try of one instance in one DAG run, in the characters the kit accepts."""
    return re.sub(r"[^A-Za-z0-9._:-]", "-", f"airflow:{run_id}:{instance_id}")[:200]


def _request(url: str, method: str, headers: dict[str, str]) -> tuple[int, str | None, bytes]:
    """The answer's status, Location header and body."""
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            return response.status, response.headers.get("Location"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), error.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise RetryableDeletionError(f"{method} {url} failed: {error}") from error


def delete_tenant(base_url: str, tenant_id: str, token: str, key: str, trace_id: str) -> int:
    """Deletes the tenant from one instance; returns the rows it deleted."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key, "X-Trace-Id": trace_id}
    location = f"{base_url}/tenant/{tenant_id}"
    status, next_location, body = _request(location, "DELETE", headers)
    while status == 202:
        location = urljoin(base_url, next_location or location)
        time.sleep(POLL_INTERVAL_SECONDS)
        status, next_location, body = _request(location, "GET", headers)
    reason = body.decode("utf-8", "replace")[:500]
    if status in RETRYABLE_STATUSES:
        raise RetryableDeletionError(f"{base_url} answered {status}: {reason}")
    if status != 200:
        raise DeletionRefused(f"{base_url} refused the deletion of {tenant_id} with {status}: {reason}")
    return sum(json.loads(body)["deleted_counts"].values())
