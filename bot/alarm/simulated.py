"""The simulator's telephone: places nothing, and nobody answers (each call ends `no-answer`
after the ring timeout on the virtual clock), so `simulate` shows every call the alarm would place."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.clock import Clock


class SimulatedDialer:
    def __init__(self, clock: Clock):
        self.clock = clock
        self.pending: list[tuple[float, str]] = []  # (when the ringing ends, call token)
        self.sms = 0

    async def place_call(self, to: str, *, voice_url: str, status_url: str, ring_seconds: int, time_limit: int) -> str:
        token = parse_qs(urlsplit(voice_url).query)["t"][0]
        self.pending.append((self.clock.now() + ring_seconds, token))
        return f"CA-simulated-{len(self.pending)}"

    async def send_sms(self, to: str, body: str) -> str:
        self.sms += 1
        return f"SM-simulated-{self.sms}"

    def next_due(self) -> float | None:
        return min(due for due, _ in self.pending) if self.pending else None

    def take_due(self, now: float) -> list[str]:
        due = [token for when, token in self.pending if when <= now]
        self.pending = [(when, token) for when, token in self.pending if when > now]
        return due
