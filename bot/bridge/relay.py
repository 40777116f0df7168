"""Relay people's messages to the other rooms of their BLM: attributed, converted for the
destination platform, as replies / in threads where they were, with edits and deletions following.

Files: one queued post per file (so a retry repeats one upload, not the text too); stickers,
contacts, locations and venues become short text. Size limits known here are checked here (a
notice instead of the file); the edge's sender checks again once it has the bytes.
"""

from __future__ import annotations

import html

from bot import limits, markup
from bot.bridge import convert
from bot.bridge.relaymap import record_thread
from bot.i18n import t
from bot.model import Attachment, OutboundMessage, OutboundOp, Relayed
from bot.names import clean_name

FILE_KINDS = {"photo", "file", "document", "voice", "audio", "video", "animation", "video_note"}
DOWNLOAD_LIMIT = limits.DOWNLOAD_BYTES
UPLOAD_LIMIT = limits.UPLOAD_BYTES
MB = limits.MB


def attribution(ctx) -> str:
    """A configured person, as the config names them (their side, and agency where known)."""
    person = ctx.person
    name = (person.name if person else "") or ctx.event.sender.display_name or ctx.event.sender.user_id
    side = (person.side if person and person.side else ("us" if ctx.event.platform == "slack" else "mx")).upper()
    extra = f" · {person.agency}" if person and person.agency else ""
    return f"{name} ({side}{extra})"


async def sender_attribution(ctx, lang: str) -> str:
    """Who wrote it, in `lang`: a configured person as the config names them; anyone else by
    their platform name, visibly marked as not in the directory (so choosing a configured
    person's name passes as nobody). The edge draws it apart from the body."""
    ev = ctx.event
    if ctx.person is not None:
        who = attribution(ctx)
    else:
        if ev.platform == "slack" and not ev.sender.user_id.startswith("B"):  # B…: an app, not a user
            name = await ctx.core.names.name("slack", ev.sender.user_id, ev.sender.display_name)
        else:
            name = clean_name(ev.sender.display_name) or ev.sender.user_id
        who = t("bridge.stranger", lang, name=name or "?", platform=ev.platform.capitalize())
    if ev.forwarded_from:
        who += " · " + t("bridge.forwarded", lang, origin=clean_name(ev.forwarded_from) or "?")
    return who


def _lookups(ctx):
    rooms = ctx.core.rooms

    def slack_person(uid: str):
        p = rooms.person("slack", uid)
        return (p.name, str(p.telegram_user) if p.telegram_user is not None else None) if p else None

    def telegram_person(uid: str):
        p = rooms.person("telegram", uid)
        return (p.name, p.slack_user) if p else None

    return slack_person, telegram_person


def convert_text(ctx, text: str, dest_platform: str) -> str:
    """The event's text in the destination's markup (Slack mrkdwn, Telegram HTML, plain)."""
    src = ctx.event.platform
    slack_person, telegram_person = _lookups(ctx)
    if src == "slack":
        tg_html = convert.slack_to_telegram(text, slack_person)
    elif src == "telegram":
        tg_html = text
    else:  # console: plain text
        tg_html = markup.tg_escape(text)
    if dest_platform == "telegram":
        # Re-parse what Telegram sent too: the output is then valid HTML by construction.
        return convert.slack_to_telegram(convert.telegram_to_slack(tg_html)) if src == "telegram" else tg_html
    if dest_platform == "slack":
        if src == "telegram":
            return convert.telegram_to_slack(tg_html, telegram_person)
        return convert.telegram_to_slack(tg_html, lambda uid: _tg_to_slack_id(ctx, uid))
    return markup.telegram_html_to_plain(tg_html)


def _tg_to_slack_id(ctx, tg_uid: str):
    """After Slack -> Telegram HTML, a configured person's tg://user link -> their Slack id again."""
    p = ctx.core.rooms.person("telegram", tg_uid)
    return (p.name, p.slack_user) if p else None


def _map_link(lat: float, lon: float) -> str:
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=16/{lat:.5f}/{lon:.5f}"


def attachment_line(att: Attachment, lang: str, dest_platform: str) -> str | None:
    """Stickers, contacts, locations, venues as one line in the destination's markup."""
    if att.kind == "sticker":
        text, url = t("bridge.sticker", lang, emoji=att.title).replace(" ]", "]"), None
    elif att.kind == "contact":
        text, url = t("bridge.contact", lang, name=att.title, phone=att.name).strip(), None
    elif att.kind in ("location", "venue") and att.latitude is not None and att.longitude is not None:
        lat, lon = f"{att.latitude:.5f}", f"{att.longitude:.5f}"
        if att.kind == "venue":
            text = t("bridge.venue", lang, title=att.title, address=att.name, lat=lat, lon=lon)
        else:
            text = t("bridge.location", lang, lat=lat, lon=lon)
        url = _map_link(att.latitude, att.longitude)
    else:
        return None
    if dest_platform == "slack":
        return markup.slack_escape(text) + (f" <{url}>" if url else "")
    if dest_platform == "telegram":
        return markup.tg_escape(text) + (f' <a href="{html.escape(url)}">{markup.tg_escape(url)}</a>' if url else "")
    return text + (f" {url}" if url else "")


def _size(n: int | None) -> str:
    return f"{n / MB:.1f} MB" if n else "?"


def file_notice(att: Attachment, lang: str, src_platform: str, dest_platform: str) -> str | None:
    """A notice instead of the file when a size limit known now rules it out."""
    if att.size is None:
        return None
    for platform, per_platform in ((src_platform, DOWNLOAD_LIMIT), (dest_platform, UPLOAD_LIMIT)):
        limit = per_platform.get(platform)
        if limit and att.size > limit:
            return t(
                "bridge.file_too_big",
                lang,
                kind=t(f"bridge.kind.{att.kind}", lang),
                name=att.name or "?",
                size=_size(att.size),
                limit=f"{limit // MB} MB",
                platform=platform.capitalize(),
            )
    return None


async def relay_message(ctx) -> None:
    ev = ctx.event
    if ctx.room is None or ev.private or ev.kind not in ("message", "edit", "delete") or not ev.message_id:
        return
    source = f"{ev.room.key}:{ev.message_id}"
    ttl = ctx.core.deployment.message_map_days * 86400
    # Slack thread replies: remember the root, so replies from the other side join that thread.
    if ev.kind == "message" and ev.platform == "slack" and ev.thread_root:
        ctx.effects.also(lambda pipe: record_thread(pipe, ev.room.key, ev.message_id, ev.thread_root, ttl))
    replied = ev.thread_root or ev.reply_to
    reply_source = f"{ev.room.key}:{replied}" if replied else None
    for other in ctx.core.rooms.rooms_of(ctx.room.blm_id):
        if other.room == ev.room:
            continue
        dest = other.room.platform
        who = await sender_attribution(ctx, other.lang)
        if ev.kind == "delete":
            ctx.effects.delete(other.room, source=source)
            continue
        rich = convert_text(ctx, ev.text, dest) if ev.text else ""
        lines = [line for a in ev.attachments if (line := attachment_line(a, other.lang, dest))]
        files = [a for a in ev.attachments if a.kind in FILE_KINDS]
        for att in files:
            notice = file_notice(att, other.lang, ev.platform, dest)
            if notice:
                lines.append(
                    markup.slack_escape(notice)
                    if dest == "slack"
                    else markup.tg_escape(notice)
                    if dest == "telegram"
                    else notice
                )
        files = [a for a in files if not file_notice(a, other.lang, ev.platform, dest)]
        body = "\n".join(x for x in [rich, *lines] if x)
        if ev.kind == "edit":
            if body:
                ctx.effects.edit(
                    OutboundMessage(room=other.room, rich_text=body, attribution=who, lang=other.lang, priority="chat"),
                    source=source,
                )
            continue
        posted_source = False
        if body or not files:
            if not body:
                continue
            ctx.effects.post(
                OutboundMessage(room=other.room, rich_text=body, attribution=who, lang=other.lang, priority="chat"),
                source=source,
                reply_source=reply_source,
            )
            posted_source = True
        for att in files:
            ctx.effects.post(
                OutboundMessage(
                    room=other.room,
                    rich_text="",
                    attribution=who,
                    lang=other.lang,
                    priority="chat",
                    attachments=[att.model_copy(update={"origin": ev.platform})],
                ),
                source=None if posted_source else source,
                reply_source=reply_source,
            )
            posted_source = True


# ---- coalescing (called by the Deliverer when a room backs up against its rate limit) --------
COALESCE_LIMIT = {"telegram": 3800, "slack": 12000}


def _block(op: OutboundOp) -> str:
    m = op.message
    if m.room.platform == "slack":
        head = f"*{markup.slack_escape(m.attribution or '')}*"
    elif m.room.platform == "telegram":
        head = f"<b>{markup.tg_escape(m.attribution or '')}</b>"
    else:
        head = f"{m.attribution}:"
    body = (
        m.rich_text
        if m.rich_text is not None
        else (
            markup.slack_escape(m.text)
            if m.room.platform == "slack"
            else markup.tg_escape(m.text)
            if m.room.platform == "telegram"
            else m.text
        )
    )
    return f"{head}\n{body}" if body else head


def _part(op: OutboundOp) -> Relayed:
    m = op.message
    body = m.rich_text
    if body is None:
        body = convert.slack_escape(m.text) if m.room.platform == "slack" else convert.tg_escape(m.text)
    return Relayed(attribution=m.attribution or "", rich_text=body)


def _visible(text: str, platform: str) -> int:
    return markup.html_visible_len(text) if platform == "telegram" else len(text)


def coalesce(ops: list[OutboundOp], notice: bool) -> OutboundOp | None:
    """Several relayed posts to one room -> one post, each attributed, in order, within limits."""
    first = ops[0].message
    platform = first.room.platform
    limit = COALESCE_LIMIT.get(platform, 3800)
    blocks: list[str] = []
    sources: list[str] = []
    if notice:
        text = t("bridge.delayed", first.lang)
        blocks.append(
            f"_{markup.slack_escape(text)}_"
            if platform == "slack"
            else f"<i>{markup.tg_escape(text)}</i>"
            if platform == "telegram"
            else text
        )
    parts: list[Relayed] = []
    for op in ops:
        block = _block(op)
        if sources and _visible("\n\n".join(blocks + [block]), platform) > limit:
            break
        blocks.append(block)
        sources.append(op.source or "")
        parts.append(_part(op))
    if len(sources) < 2:
        return None
    # Each message keeps its own attribution, drawn by the edge apart from its body (a body cannot
    # imitate the next message's header); the delay notice, if any, is the post's plain text.
    message = first.model_copy(
        update={
            "attribution": None,
            "rich_text": None,
            "text": t("bridge.delayed", first.lang) if notice else "",
            "relayed": parts,
        }
    )
    return OutboundOp(
        op="post",
        message=message,
        source=sources[0],
        sources=sources,
        reply_source=ops[0].reply_source,
        enqueued_at=ops[0].enqueued_at,
    )
