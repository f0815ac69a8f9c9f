"""`/metrics` in the Prometheus text format: the operator figures of `legadilo stats` plus this process's
request latency. Answered only to loopback and private addresses (the monitoring network)."""

from __future__ import annotations

import ipaddress
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from quart import Blueprint, Quart, Response, abort, current_app, g, request
from quart.typing import ResponseReturnValue

from legadilo.feeds.maintenance import stats
from legadilo.web.context import runtime

blueprint = Blueprint("metrics", __name__)
_KEY = "legadilo.request_metrics"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class RequestMetrics:
    count: Counter[tuple[str, str]] = field(default_factory=Counter)
    buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    total_seconds: float = 0.0

    def observe(self, method: str, status: int, seconds: float) -> None:
        self.count[(method, f"{status // 100}xx")] += 1
        self.buckets[bisect_left(BUCKETS, seconds)] += 1
        self.total_seconds += seconds


def install_request_metrics(app: Quart) -> None:
    app.extensions[_KEY] = RequestMetrics()

    @app.before_request
    async def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    async def observe(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            app.extensions[_KEY].observe(request.method, response.status_code, time.perf_counter() - started)
        return response


_MONITORING_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def _is_monitoring_client(address: str | None) -> bool:
    """Loopback and private (RFC 1918, ULA) addresses: where a Prometheus next to the app scrapes from."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _MONITORING_NETWORKS)


def _lines(figures: dict[str, object], requests: RequestMetrics) -> list[str]:
    lines: list[str] = []
    for name in ("users", "feeds", "disabled_feeds", "feed_sources", "articles", "unread_articles", "due_sources"):
        lines += [f"# TYPE legadilo_{name} gauge", f"legadilo_{name} {figures[name]}"]
    lines += ["# TYPE legadilo_queue_lag_seconds gauge", f"legadilo_queue_lag_seconds {figures['queue_lag_seconds']}"]
    lines.append("# TYPE legadilo_feed_sources_by_outcome gauge")
    outcomes = figures["feed_outcomes"]
    assert isinstance(outcomes, dict)
    lines += [f'legadilo_feed_sources_by_outcome{{outcome="{key}"}} {value}' for key, value in sorted(outcomes.items())]
    lines.append("# TYPE legadilo_refreshes_last_hour gauge")
    recent = figures["refreshes_last_hour"]
    assert isinstance(recent, dict)
    lines += [f'legadilo_refreshes_last_hour{{status="{key}"}} {value}' for key, value in sorted(recent.items())]
    lines.append("# TYPE legadilo_http_requests_total counter")
    lines += [
        f'legadilo_http_requests_total{{method="{method}",status="{status}"}} {count}'
        for (method, status), count in sorted(requests.count.items())
    ]
    lines.append("# TYPE legadilo_http_request_duration_seconds histogram")
    cumulative = 0
    for bound, hits in zip((*BUCKETS, float("inf")), requests.buckets, strict=True):
        cumulative += hits
        label = "+Inf" if bound == float("inf") else repr(bound)
        lines.append(f'legadilo_http_request_duration_seconds_bucket{{le="{label}"}} {cumulative}')
    lines.append(f"legadilo_http_request_duration_seconds_sum {requests.total_seconds:.6f}")
    lines.append(f"legadilo_http_request_duration_seconds_count {cumulative}")
    return lines


@blueprint.get("/metrics")
async def show_metrics() -> ResponseReturnValue:
    if not _is_monitoring_client(request.remote_addr):
        abort(404)
    figures = await stats(runtime().clock.now())
    body = "\n".join(_lines(figures, current_app.extensions[_KEY])) + "\n"
    return body, 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"}
