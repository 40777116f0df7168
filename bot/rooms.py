"""Who is who and which room is which, from the deployment config."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Deployment, PersonConfig
from bot.directory import BLM, get_blm
from bot.model import Lang, Role, RoomRef

CENTRAL = "central"


@dataclass(frozen=True)
class RoomInfo:
    room: RoomRef
    blm_id: str  # a BLM id, or "central"
    lang: Lang  # the room's language: what the bot's posts there are written in

    @property
    def is_central(self) -> bool:
        return self.blm_id == CENTRAL

    @property
    def blm(self) -> BLM | None:
        return None if self.is_central else get_blm(self.blm_id)

    @property
    def side(self) -> str:
        return "us" if self.room.platform == "slack" else "mx"


class Rooms:
    """Rooms and people of one deployment."""

    def __init__(self, deployment: Deployment):
        self.deployment = deployment
        self._rooms: dict[str, RoomInfo] = {}
        self._by_blm: dict[str, list[RoomInfo]] = {}
        if deployment.central:
            self._add(CENTRAL, deployment.central.slack_channel, deployment.central.telegram_chat, "en", "es")
        for blm_id, cfg in deployment.blms.items():
            self._add(blm_id, cfg.slack_channel, cfg.telegram_chat, cfg.slack_lang, cfg.telegram_lang)
        self._people: dict[str, PersonConfig] = {}
        for person in deployment.people:
            if person.slack_user:
                self._people[f"slack:{person.slack_user}"] = person
            if person.telegram_user is not None:
                self._people[f"telegram:{person.telegram_user}"] = person

    def _add(self, owner: str, slack_channel, telegram_chat, slack_lang: Lang, telegram_lang: Lang) -> None:
        infos = []
        if slack_channel:
            infos.append(RoomInfo(RoomRef(platform="slack", chat_id=slack_channel), owner, slack_lang))
        if telegram_chat is not None:
            infos.append(RoomInfo(RoomRef(platform="telegram", chat_id=str(telegram_chat)), owner, telegram_lang))
        for info in infos:
            self._rooms[info.room.key] = info
        self._by_blm[owner] = infos

    def room(self, ref: RoomRef) -> RoomInfo | None:
        return self._rooms.get(ref.key)

    def rooms_of(self, blm_id: str) -> list[RoomInfo]:
        return list(self._by_blm.get(blm_id, []))

    def central_rooms(self) -> list[RoomInfo]:
        return self.rooms_of(CENTRAL)

    def configured_blms(self) -> list[str]:
        return [b for b in self._by_blm if b != CENTRAL]

    def move_room(self, old: RoomRef, new: RoomRef) -> RoomInfo | None:
        """A Telegram group became a supergroup: the same room under a new chat id."""
        info = self._rooms.get(old.key)
        if info is None:
            return None
        moved = RoomInfo(new, info.blm_id, info.lang)
        self._rooms[new.key] = moved
        self._by_blm[info.blm_id] = [moved if r.room == old else r for r in self._by_blm[info.blm_id]]
        return moved

    def person(self, platform: str, user_id: str) -> PersonConfig | None:
        return self._people.get(f"{platform}:{user_id}")

    def people_of(self, blm_id: str) -> list[PersonConfig]:
        return [p for p in self.deployment.people if blm_id in p.blms or p.role == Role.central]

    def role(self, person: PersonConfig | None, blm_id: str | None) -> Role:
        """A person's role acting on a BLM (or the central room); strangers are members."""
        if person is None:
            return Role.member
        if person.role == Role.central:
            return Role.central
        if blm_id is None or blm_id == CENTRAL:
            # Outside a BLM the person keeps their highest role for reading help, but acts as a member
            return Role.member
        return person.role if blm_id in person.blms else Role.member
