"""Prometheus metrics, one registry per process, served on /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        r = self.registry
        self.inbound = Counter("blm_inbound_events_total", "Inbound events accepted", ["platform", "kind"], registry=r)
        self.refused = Counter(
            "blm_requests_refused_total", "Requests refused (signature, secret)", ["platform", "reason"], registry=r
        )
        self.duplicates = Counter(
            "blm_inbound_duplicates_total", "Inbound retries dropped as duplicates", ["platform"], registry=r
        )
        self.delivered = Counter(
            "blm_delivered_total", "Outbound operations delivered", ["platform", "room", "op"], registry=r
        )
        self.retried = Counter(
            "blm_delivery_retries_total", "Outbound operations attempted again", ["platform", "room"], registry=r
        )
        self.rate_limited = Counter(
            "blm_delivery_429_total", "429 answers from platforms", ["platform", "room"], registry=r
        )
        self.failed = Counter(
            "blm_delivery_failed_total", "Outbound operations failed for good", ["platform", "room"], registry=r
        )
        self.coalesced = Counter(
            "blm_delivery_coalesced_total", "Relayed messages combined into one post", ["platform", "room"], registry=r
        )
        self.queue_depth = Gauge("blm_queue_depth", "Operations waiting per room", ["platform", "room"], registry=r)
        self.latency = Histogram(
            "blm_delivery_latency_seconds",
            "Queued to delivered",
            ["platform"],
            registry=r,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
        )
        self.timers_fired = Counter("blm_timers_fired_total", "Playbook timers fired", registry=r)
        self.timer_lateness = Histogram(
            "blm_timer_lateness_seconds", "Due time to firing", registry=r, buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300)
        )
        self.advisories_posted = Counter(
            "blm_advisories_posted_total", "Advisories posted or edited per BLM", ["blm", "op"], registry=r
        )
        self.advisory_fetch_errors = Counter(
            "blm_advisory_fetch_errors_total", "Failed advisory source fetches", ["source"], registry=r
        )
        self.commands = Counter("blm_commands_total", "Commands handled", ["command", "outcome"], registry=r)


METRICS = Metrics()
