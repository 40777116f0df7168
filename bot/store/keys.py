"""Every Redis key the bot uses, in one place. All live under the `blm:` namespace.

| key | type | holds |
|---|---|---|
| blm:q:{queue}                | stream | an ordered queue: `in:{room}` inbound events (Telegram's in update_id order, field `s`), `out:{room}:hi|lo` outbound ops, `out:private:{platform}:{user}:hi|lo` answers for one person |
| blm:q:ready                  | zset   | queue groups with work, scored by the time they may next run |
| blm:q:wake                   | pubsub | channel: a push happened (wakes idle queue runners in every process) |
| blm:q:lease:{group}          | string | which process drains a queue group now (token, PX expiry) |
| blm:q:inflight:{group}       | hash   | entry id -> attempts, for entries being sent (resend after a crash is counted); `{id}:failed` / `{id}:first` the retry budget used |
| blm:dedupe:{platform}:{id}   | string | an inbound event already accepted (Slack event_id, Telegram update_id) |
| blm:rate:{name}              | string | GCRA theoretical arrival time for one send-rate limit |
| blm:room:blocked:{room}      | string | a room's 429 back-off deadline |
| blm:room:backlog:{room}      | string | set (120 s) when a send to the room had to wait for its rate limit: coalescing may combine posts |
| blm:room:moves               | hash   | rooms that changed id (a Telegram group upgraded to a supergroup): old room key -> new room key |
| blm:msgmap:{room}:{key}      | string | logical message key -> platform message ids (JSON) |
| blm:relay:{room}:{msg_id}    | hash   | relayed copies of a platform message: other room -> platform ids (JSON); on a copy `origin` (source), `coalesced` (JSON sources), and on Slack messages in a thread `thread` (root ts) |
| blm:person:lang:{platform}:{user} | string | a person's /lang choice |
| blm:person:name:{platform}:{user} | string | a platform name of someone not in the config (Slack users.info / user_change), EX 7 days |
| blm:health:cred:{platform}   | string | set when the platform rejected the bot's credentials |
| blm:notice:{name}            | string | one-time notices already given (`dead:{room}` set-aside entries, `open-bot:{platform}:{user}` the open-the-bot line) |
| blm:tg:offset                | string | Telegram getUpdates offset (long polling) |
| blm:lock:{name}              | string | a singleton job's lease (Telegram polling, advisory polling) |
| blm:dead                     | stream | operations that failed for good, kept for operators |
| blm:refusals                 | stream | refused commands and actions (who, what, why) |
| blm:inc:seq:{blm}            | string | incident counter per BLM (INCR): NOG-0142 |
| blm:inc:{id}                 | string | one incident's run state (JSON, with `rev`), EX retention |
| blm:inc:tl:{id}              | list   | the incident's timeline: hash-chained events (JSON, bot/record/chain.py); content erased after retention, hashes kept |
| blm:inc:open:{blm}           | zset   | open incidents of a BLM, scored by start time |
| blm:inc:all:{blm}            | zset   | every incident of a BLM (open or not), scored by start time |
| blm:inc:done:{platform}:{id} | string | an inbound event whose engine change is committed (redelivery is a no-op) |
| blm:inc:chain:{blm}:{chain}:{playbook} | string | a playbook already started for an advisory chain (SET NX) |
| blm:pb:{sha}                 | string | a playbook version (validated JSON), stored once by content hash |
| blm:timers                   | zset   | timer ids by due time (a claimed timer is re-scored to its lease end) |
| blm:timer:{id}               | hash   | a timer's payload: inc, step, kind, due, claim token |
| blm:adv:posted:{blm}:{sender,id} | string | an alert message (CAP sender,identifier) already handled for a BLM: set once, with its posts |
| blm:adv:chain:{blm}:{chain}  | hash   | one alert chain posted in a BLM (chain: its first message's sender,identifier): latest advisory JSON, state, source, incidents |
| blm:adv:active:{blm}         | zset   | chain ids active in a BLM, scored by expiry (unix seconds; +inf when none) |
| blm:adv:seen:{source}        | set    | chain:blm pairs a source listed as active on its latest successful fetch |
| blm:adv:playbooks:{blm}:{chain} | string | playbooks already started for an alert chain (incident ids, JSON) |
| blm:adv:src:{source}         | hash   | a source's HTTP state: etag, last_modified, failures, retry_at |
| blm:adv:issued:{id}          | string | an advisory the bot issued (people), as Advisory JSON, for CAP output |
| blm:adv:digest:{event}       | hash   | the central room's digest of one Severe/Extreme event (event: hash of its name): generation, BLMs listed and cleared, fingerprint |
| blm:adv:digests              | set    | digests currently listing at least one BLM (their {event} hashes) |
| blm:rec:signing-key          | string | the Ed25519 private key (PKCS#8 PEM) signing evidence bundles when REPORT_SIGNING_KEY is unset (SET NX once) |
| blm:rec:erase                | zset   | incidents whose timeline content is to be erased, scored by when (last entry + retention) |
| blm:alarm:plan:{inc}:{step}  | string | the telephone alarm's call plan of one `call: true` ack step (JSON), EX retention |
| blm:alarm:levels:{inc}:{step} | set   | levels the engine opened for that plan: `role` (first overdue), `escalation` |
| blm:alarm:due                | zset   | call plans by the time they next need looking at (a call's deadline, or now) |
| blm:alarm:call:{token}       | hash   | one placed call, by its server-side token: plan, person, phone, lang, text, sid |
| blm:alarm:count:{inc}        | string | calls placed for an incident (the per-incident cap) |
| blm:alarm:person:{hash}:{hour} | string | calls placed to one number in one UTC hour (the per-person cap), EX 2 h |
| blm:alarm:seen:{hash}        | string | a Twilio callback already queued (replays are dropped), EX 7 days |
| blm:q:alarm:{inc}:{step}     | stream | a plan's queued Twilio callbacks (the queue machinery's group `alarm:{inc}:{step}`) |
| blm:board:link:{hash}        | string | a board sign-in link not yet used: SHA-256 of its token -> person key (`slack:U…`), EX 600 |
| blm:board:session:{hash}     | hash   | a board session: SHA-256 of the cookie's id -> person, csrf, lang, flash; EX its lifetime |
| blm:board:events             | pub/sub channel | a change the board shows (incident changed, note added): JSON {blm, inc} |
"""

from __future__ import annotations

NS = "blm:"


def queue(name: str) -> str:
    return f"{NS}q:{name}"


READY = f"{NS}q:ready"
QUEUE_WAKE = f"{NS}q:wake"  # a pub/sub channel, not a key


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


def room_backlog(room_key: str) -> str:
    return f"{NS}room:backlog:{room_key}"


ROOM_MOVES = f"{NS}room:moves"


def msgmap(room_key: str, key: str) -> str:
    return f"{NS}msgmap:{room_key}:{key}"


def relay(room_key: str, message_id: str) -> str:
    return f"{NS}relay:{room_key}:{message_id}"


def combined(stream: str, entry_id: str) -> str:
    """The entry ids a queued post was combined with when it was sent (JSON list; a day): a redo
    after a crash mid-send combines exactly those again."""
    return f"{NS}combined:{stream}:{entry_id}"


def person_lang(platform: str, user_id: str) -> str:
    return f"{NS}person:lang:{platform}:{user_id}"


def person_name(platform: str, user_id: str) -> str:
    return f"{NS}person:name:{platform}:{user_id}"


def credentials_rejected(platform: str) -> str:
    return f"{NS}health:cred:{platform}"


def notice(name: str) -> str:
    return f"{NS}notice:{name}"


TELEGRAM_OFFSET = f"{NS}tg:offset"


def lock(name: str) -> str:
    return f"{NS}lock:{name}"


DEAD = f"{NS}dead"

REFUSALS = f"{NS}refusals"


# ---- playbook engine (incidents, timers) ---------------------------------------------------
def incident_seq(blm_id: str) -> str:
    return f"{NS}inc:seq:{blm_id}"


def incident(incident_id: str) -> str:
    return f"{NS}inc:{incident_id}"


def incident_timeline(incident_id: str) -> str:
    return f"{NS}inc:tl:{incident_id}"


def incidents_open(blm_id: str) -> str:
    return f"{NS}inc:open:{blm_id}"


def incidents_all(blm_id: str) -> str:
    return f"{NS}inc:all:{blm_id}"


def engine_done(platform: str, event_id: str) -> str:
    return f"{NS}inc:done:{platform}:{event_id}"


def advisory_chain(blm_id: str, chain_id: str, playbook_id: str) -> str:
    return f"{NS}inc:chain:{blm_id}:{chain_id}:{playbook_id}"


def playbook_snapshot(sha: str) -> str:
    return f"{NS}pb:{sha}"


TIMERS = f"{NS}timers"


def timer(timer_id: str) -> str:
    return f"{NS}timer:{timer_id}"


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


def adv_digest(event_hash: str) -> str:
    return f"{NS}adv:digest:{event_hash}"


ADV_DIGESTS = f"{NS}adv:digests"
ADVISORY_LOCK = "advisories"  # keys.lock(ADVISORY_LOCK): the one process polling advisory sources


# ---- investigation record (bot/record) ----------------------------------------------------------
# The timeline list itself is `incident_timeline`: hash-chained entries, never expiring; the
# eraser drops their content after the retention period and keeps their hashes.
RECORD_SIGNING_KEY = f"{NS}rec:signing-key"
RECORD_ERASE = f"{NS}rec:erase"


# ---- telephone alarm (bot/alarm) ----------------------------------------------------------------
def alarm_plan(plan_id: str) -> str:
    return f"{NS}alarm:plan:{plan_id}"


def alarm_levels(plan_id: str) -> str:
    return f"{NS}alarm:levels:{plan_id}"


ALARM_DUE = f"{NS}alarm:due"


def alarm_call(token: str) -> str:
    return f"{NS}alarm:call:{token}"


def alarm_count(incident_id: str) -> str:
    return f"{NS}alarm:count:{incident_id}"


def alarm_person_hour(phone_hash: str, hour: int) -> str:
    return f"{NS}alarm:person:{phone_hash}:{hour}"


def alarm_seen(digest: str) -> str:
    return f"{NS}alarm:seen:{digest}"


# ---- operations board (bot/board) -----------------------------------------------------------------
def board_link(token_hash: str) -> str:
    return f"{NS}board:link:{token_hash}"


def board_session(session_hash: str) -> str:
    return f"{NS}board:session:{session_hash}"


BOARD_EVENTS = f"{NS}board:events"
