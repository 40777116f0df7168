"""What the telephone alarm's tests share: Twilio settings, phone numbers for a deployment, a playbook
whose acknowledgement rings phones, and a started fake Twilio."""

from __future__ import annotations

from bot.clock import Clock
from testing.fakes.twilio_api import FakeTwilio

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-0123456789abcd"
FROM_NUMBER = "+15205550100"
PUBLIC_URL = "https://bot.example.org"
PAT, ROSA = "+15205550101", "+526315550102"  # the two liaisons of Nogales, in config order
ANA, BOB = "+526315550103", "+15205550104"  # the coordinators (the escalation role)

# for testing.deployments.with_phones(NOGALES_EL_PASO, PHONES)
PHONES = {"Pat Lee": PAT, "Rosa Díaz": ROSA, "Ana Ruiz": ANA, "Bob Carter": BOB}


class JumpClock(Clock):
    """Real time that a test can jump ahead (rate limits keep flowing; timers come due at once)."""

    def __init__(self):
        self.offset = 0.0

    def now(self) -> float:
        return super().now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


PLAYBOOK = """\
id: ack-call
version: 1
title: {en: Telephone alarm test, es: Prueba de alarma telefónica}
summary: {en: One acknowledgement that rings phones., es: Una confirmación que hace sonar teléfonos.}
severity: severe
steps:
  - id: confirm
    kind: ack
    text: {en: "Suspicious package at the Nogales port of entry.", es: "Paquete sospechoso en la garita de Nogales."}
    within: 2m
    repeat: 1
    every: 3m
    escalate_to: coordinator
    call: true
  - id: thanks
    kind: post
    text: {en: Thank you., es: Gracias.}
"""


def twilio_settings(fake: FakeTwilio) -> dict:
    return dict(
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_from_number=FROM_NUMBER,
        twilio_api_url=fake.url,
        public_url=PUBLIC_URL,
    )


def write_playbook(directory) -> None:
    (directory / "ack-call.yaml").write_text(PLAYBOOK, encoding="utf-8")


def new_fake_twilio() -> FakeTwilio:
    return FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL)
