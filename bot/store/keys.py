"""Every Redis key the bot uses, in one place. All live under the `blm:` namespace.

| key | type | holds |
|---|---|---|
| blm:q:{queue}                | stream | an ordered queue: `in:{room}` inbound events, `out:{room}:hi|lo` outbound ops |
| blm:q:ready                  | zset   | queue groups with work, scored by the time they may next run |
| blm:q:lease:{group}          | string | which process drains a queue group now (token, PX expiry) |
| blm:q:inflight:{group}       | hash   | entry id -> attempts, for entries being sent (resend after a crash is counted) |
| blm:dedupe:{platform}:{id}   | string | an inbound event already accepted (Slack event_id, Telegram update_id) |
| blm:rate:{name}              | string | GCRA theoretical arrival time for one send-rate limit |
| blm:room:blocked:{room}      | string | a room's 429 back-off deadline |
| blm:msgmap:{room}:{key}      | string | logical message key -> platform message ids (JSON) |
| blm:relay:{room}:{msg_id}    | hash   | relayed copies of a platform message: other room -> platform id |
| blm:person:lang:{platform}:{user} | string | a person's /lang choice |
| blm:health:cred:{platform}   | string | set when the platform rejected the bot's credentials |
| blm:notice:{name}            | string | one-time notices already given |
| blm:tg:offset                | string | Telegram getUpdates offset (long polling) |
| blm:lock:{name}              | string | a singleton job's lease (Telegram polling, advisory polling) |
| blm:dead                     | stream | operations that failed for good, kept for operators |
| blm:refusals                 | stream | refused commands and actions (who, what, why) |
| blm:adv:posted:{blm}:{id}    | string | an alert message (identifier) already handled for a BLM: set once, with its posts |
| blm:adv:chain:{blm}:{chain}  | hash   | one alert chain posted in a BLM: latest advisory JSON, state, source, incidents |
| blm:adv:active:{blm}         | zset   | chain ids active in a BLM, scored by expiry (unix seconds; +inf when none) |
| blm:adv:seen:{source}        | set    | chain:blm pairs a source listed as active on its latest successful fetch |
| blm:adv:playbooks:{blm}:{chain} | string | playbooks already started for an alert chain (incident ids, JSON) |
| blm:adv:src:{source}         | hash   | a source's HTTP state: etag, last_modified, failures, retry_at |
| blm:adv:issued:{id}          | string | an advisory the bot issued (people), as Advisory JSON, for CAP output |
"""
from __future__ import annotations

NS = "blm:"


def queue(name: str) -> str:
    return f"{NS}q:{name}"


READY = f"{NS}q:ready"


def lease(group: str) -> str:
    return f"{NS}q:lease:{group}"


def inflight(group: str) -> str:
    return f"{NS}q:inflight:{group}"


def dedupe(platform: str, event_id: str) -> str:
    return f"{NS}dedupe:{platform}:{event_id}"


def rate(name: str) -> str:
    return f"{NS}rate:{name}"


def room_blocked(room_key: str) -> str:
    return f"{NS}room:blocked:{room_key}"


def msgmap(room_key: str, key: str) -> str:
    return f"{NS}msgmap:{room_key}:{key}"


def relay(room_key: str, message_id: str) -> str:
    return f"{NS}relay:{room_key}:{message_id}"


def person_lang(platform: str, user_id: str) -> str:
    return f"{NS}person:lang:{platform}:{user_id}"


def credentials_rejected(platform: str) -> str:
    return f"{NS}health:cred:{platform}"


def notice(name: str) -> str:
    return f"{NS}notice:{name}"


TELEGRAM_OFFSET = f"{NS}tg:offset"


def lock(name: str) -> str:
    return f"{NS}lock:{name}"


DEAD = f"{NS}dead"

REFUSALS = f"{NS}refusals"


# ---- advisories (bot/advisories) ----------------------------------------------------------------
def adv_posted(blm_id: str, identifier: str) -> str:
    return f"{NS}adv:posted:{blm_id}:{identifier}"


def adv_chain(blm_id: str, chain_id: str) -> str:
    return f"{NS}adv:chain:{blm_id}:{chain_id}"


def adv_active(blm_id: str) -> str:
    return f"{NS}adv:active:{blm_id}"


def adv_seen(source: str) -> str:
    return f"{NS}adv:seen:{source}"


def adv_playbooks(blm_id: str, chain_id: str) -> str:
    return f"{NS}adv:playbooks:{blm_id}:{chain_id}"


def adv_source(source: str) -> str:
    return f"{NS}adv:src:{source}"


def adv_issued(identifier: str) -> str:
    return f"{NS}adv:issued:{identifier}"


ADVISORY_LOCK = "advisories"  # keys.lock(ADVISORY_LOCK): the one process polling advisory sources
