"""What the pages show, read from Redis into plain dicts for the templates.

Who may see what is the commands' rule: a BLM's people (its members, liaisons and coordinators)
and the central role (`Rooms.people_of`); the role a person acts with on a BLM is `Rooms.role`.
"""

from __future__ import annotations

from bot.advisories.publish import active_advisories
from bot.directory import BLMS, get_blm
from bot.engine import templates
from bot.engine.report import describe
from bot.engine.runs import Engine
from bot.engine.schema import AckStep, AskStep, ChecklistStep
from bot.engine.state import Event, RunState
from bot.engine.steps import scope
from bot.engine.times import short, three
from bot.i18n import t
from bot.model import Role
from bot.rooms import Rooms
from bot.store import keys

# The map: an equirectangular box around the border, in SVG units.
MAP_W, MAP_H = 1000, 420
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = -118.0, -96.5, 25.0, 33.5
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
DEAD_SCAN = 500  # dead letters looked at per page (the newest); the stream itself is capped


def role_name(role: Role, lang: str) -> str:
    return t(f"role.{role.name}", lang)


def visible_blms(rooms: Rooms, person) -> list[str]:
    return [b for b in rooms.configured_blms() if person in rooms.people_of(b)]


def text_in(text, state: RunState, lang: str) -> str:
    """A playbook text rendered for this run, as the engine renders it for the rooms."""
    rendered, _problem = templates.render_safe(text.get(lang), scope(state, lang))
    return rendered


def _xy(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * MAP_W
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * MAP_H
    return round(x, 1), round(y, 1)


def border_map(statuses: dict[str, str], lang: str) -> dict:
    """The ten BLMs at the midpoint of their twin cities, and the border as the line through them
    (east of El Paso the border is the Rio Grande, which these points follow closely enough)."""
    points = []
    for i, blm in enumerate(sorted(BLMS, key=lambda b: (b.us_lon + b.mx_lon) / 2)):
        x, y = _xy((blm.us_lat + blm.mx_lat) / 2, (blm.us_lon + blm.mx_lon) / 2)
        # labels clear of their neighbours: above/below along the east-west stretch, left/right
        # where the Rio Grande runs south-east
        if x < 560:
            label = {"lx": x, "ly": y + (32 if i % 2 else -18), "anchor": "middle"}
        elif x > MAP_W - 200:  # the last one, at the gulf: below, so it is not cut off
            label = {"lx": x - 40, "ly": y + 32, "anchor": "middle"}
        else:
            label = {"lx": x + (18 if i % 2 else -18), "ly": y + 6, "anchor": "start" if i % 2 else "end"}
        points.append(
            {"id": blm.id, "name": blm.name(lang), "x": x, "y": y, "status": statuses.get(blm.id, "off"), **label}
        )
    line = " ".join(f"{p['x']},{p['y']}" for p in points)
    return {"w": MAP_W, "h": MAP_H, "points": points, "line": line}


class BoardViews:
    def __init__(self, redis, rooms: Rooms, engine: Engine):
        self.redis = redis
        self.rooms = rooms
        self.engine = engine

    # ---- overview ------------------------------------------------------------------------
    async def overview(self, person, lang: str) -> dict:
        blms = []
        statuses = {}
        dead = await self.dead_letters()
        for blm_id in visible_blms(self.rooms, person):
            view = await self.blm(blm_id, lang, dead)
            blms.append(view)
            statuses[blm_id] = view["status"]
        return {"blms": blms, "map": border_map(statuses, lang)}

    async def dead_letters(self) -> dict[str, int]:
        """Operations that failed for good, per room key, among the newest DEAD_SCAN."""
        dead: dict[str, int] = {}
        for _id, fields in await self.redis.xrevrange(keys.DEAD, count=DEAD_SCAN):
            room = fields.get("room", "")
            dead[room] = dead.get(room, 0) + 1
        return dead

    async def blm(self, blm_id: str, lang: str, dead: dict[str, int]) -> dict:
        blm = get_blm(blm_id)
        incidents = [await self.summary(state, lang) for state in await self.engine.open_incidents(blm_id)]
        advisories = []
        for adv in await active_advisories(self.redis, blm_id):
            info = adv.info_for(lang) or (adv.infos[0] if adv.infos else None)
            if info is None:
                continue
            advisories.append(
                {
                    "event": info.event,
                    "severity": info.severity,
                    "severity_text": t(f"adv.severity.{info.severity}", lang)
                    if info.severity in SEVERITIES
                    else info.severity,
                    "headline": info.headline or "",
                    "expires": short(adv.expires.timestamp(), blm_id) if adv.expires else "",
                }
            )
        real = [i for i in incidents if not i["drill"]]
        status = "incident" if real else ("watch" if incidents or advisories else "quiet")
        return {
            "id": blm_id,
            "name": blm.name(lang),
            "status": status,
            "incidents": incidents,
            "advisories": advisories,
            "health": await self.health(blm_id, lang, dead),
        }

    async def summary(self, state: RunState, lang: str) -> dict:
        pb = await self.engine.playbook_for(state)
        acks = []
        for sid in state.pending_acks():
            step = pb.step(sid)
            if not isinstance(step, AckStep):
                continue
            ack = state.acks[sid]
            if ack.escalated:
                level = t("board.escalation.escalated", lang, role=role_name(Role[step.escalate_to], lang))
            elif ack.attempt:
                level = t("board.escalation.reminded", lang, n=ack.attempt, total=step.repeat)
            else:
                level = t("board.escalation.none", lang)
            people = self.engine.people_with_role(state.blm_id, step.role)
            acks.append(
                {
                    "step": sid,
                    "text": text_in(step.text, state, lang),
                    "role": step.role,
                    "who": t(
                        "board.must_ack",
                        lang,
                        role=role_name(Role[step.role], lang),
                        people=", ".join(p.name for p in people) or "—",
                    ),
                    "level": level,
                }
            )
        progress = []
        for sid, ticks in state.checks.items():
            step = pb.step(sid)
            if isinstance(step, ChecklistStep):
                progress.append(
                    t(
                        "board.progress",
                        lang,
                        title=text_in(step.title, state, lang),
                        done=sum(1 for i in step.items if i.id in ticks),
                        total=len(step.items),
                    )
                )
        waiting = t("board.waiting.none", lang)
        if state.waiting:
            # the question or request itself, in the reader's language; the step id for a timer
            step = pb.step(state.waiting.step)
            what = state.waiting.step
            if isinstance(step, AskStep):
                what = text_in(step.question, state, lang)
            elif isinstance(step, AckStep):
                what = text_in(step.text, state, lang)
            waiting = t(f"board.waiting.{state.waiting.kind}", lang, step=what)
        return {
            "id": state.id,
            "blm": state.blm_id,
            "title": pb.title.get(lang),
            "drill": state.drill,
            "status": t("engine.status." + state.status, lang),
            "open": state.is_open,
            "waiting": waiting,
            "acks": acks,
            "progress": progress,
            "started": short(state.started_at, state.blm_id),
        }

    async def health(self, blm_id: str, lang: str, dead: dict[str, int]) -> list[dict]:
        """Per room: operations queued, whether sends wait on a rate limit or a 429, dead letters."""
        rooms = self.rooms.rooms_of(blm_id)
        out = []
        for room in rooms:
            rkey = room.room.key
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.xlen(keys.queue(f"out:{rkey}:hi"))
                pipe.xlen(keys.queue(f"out:{rkey}:lo"))
                pipe.exists(keys.room_blocked(rkey))
                pipe.exists(keys.room_backlog(rkey))
                hi, lo, blocked, backlog = await pipe.execute()
            limited = bool(blocked or backlog)
            text = t(
                "board.health",
                lang,
                backlog=hi + lo,
                limited=t("board.health.limited" if limited else "board.health.free", lang),
                dead=dead.get(rkey, 0),
            )
            out.append(
                {
                    "platform": room.room.platform.capitalize(),
                    "text": text,
                    "backlog": hi + lo,
                    "limited": limited,
                    "dead": dead.get(rkey, 0),
                }
            )
        return out

    # ---- one incident --------------------------------------------------------------------
    async def incident(self, state: RunState, role: Role, lang: str) -> dict:
        pb = await self.engine.playbook_for(state)
        view = await self.summary(state, lang)
        for ack in view["acks"]:
            ack["can"] = state.is_open and role >= Role[ack["role"]]
        questions = []
        for sid in state.asked:
            step = pb.step(sid)
            if sid in state.answers or not isinstance(step, AskStep):
                continue
            questions.append(
                {
                    "step": sid,
                    "text": text_in(step.question, state, lang),
                    "choices": [{"value": c.value, "label": c.label.get(lang)} for c in (step.choices or [])],
                    "can": state.is_open and role >= Role[step.role],
                }
            )
        checklists = []
        for sid, ticks in state.checks.items():
            step = pb.step(sid)
            if not isinstance(step, ChecklistStep):
                continue
            items = []
            for item in step.items:
                tick = ticks.get(item.id)
                items.append(
                    {
                        "id": item.id,
                        "text": text_in(item.text, state, lang),
                        "done": tick is not None,
                        "by": t("board.inc.ticked", lang, who=tick.by, when=short(tick.at, state.blm_id))
                        if tick
                        else "",
                    }
                )
            checklists.append(
                {
                    "step": sid,
                    "title": text_in(step.title, state, lang),
                    "items": items,
                    "can": state.is_open and role >= Role[step.role],
                }
            )
        view.update(
            {
                "questions": questions,
                "checklists": checklists,
                "timeline": [self.entry(e, state, lang) for e in await self.engine.timeline(state.id)],
                "times": three(state.started_at, state.blm_id),
                "started_by": state.started_by,
                "params": ", ".join(f"{k}={v}" for k, v in state.params.items()),
            }
        )
        return view

    def entry(self, event: Event, state: RunState, lang: str) -> dict:
        """A timeline entry as the after-action report words it."""
        times = three(event.at, state.blm_id)
        return {
            "utc": times["utc"],
            "us": times["us"],
            "mx": times["mx"],
            "who": event.who,
            "text": describe(event, lang),
            "via_board": (event.detail or {}).get("via") == "board",
        }
