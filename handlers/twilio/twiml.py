"""The call's words, as TwiML built with the twilio package."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from bot.alarm import spell
from bot.directory import get_blm
from bot.i18n import t

VOICES = {"en": "en-US", "es": "es-MX"}
# An explicit voice for each: Twilio's default voice ("man") does not speak every locale, and an
# invalid voice and language pair fails the <Say>. Amazon Polly's Joanna (en-US) and Mia (es-MX).
SPEAKERS = {"en-US": "Polly.Joanna", "es-MX": "Polly.Mia"}


def alert(record: dict, gather_url: str) -> str:
    """The step's text in the person's language, the incident spelled out, then 1 or 2 (twice)."""
    lang = record.get("lang") or "en"
    language = VOICES.get(lang, "en-US")
    blm = get_blm(record["blm"]).name(lang)
    voice = SPEAKERS[language]
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=gather_url, method="POST", timeout=8)
    if record.get("drill"):
        gather.say(t("alarm.voice.exercise", lang), language=language, voice=voice)
    gather.say(
        t("alarm.voice.intro", lang, blm=blm, incident=spell(record["incident"])), language=language, voice=voice
    )
    gather.say(record.get("text", ""), language=language, voice=voice)
    gather.say(t("alarm.voice.press", lang), language=language, voice=voice)
    gather.pause(length=2)
    gather.say(t("alarm.voice.press", lang), language=language, voice=voice)
    response.say(t("alarm.voice.no_input", lang), language=language, voice=voice)
    response.hangup()
    return str(response)


def said(record: dict, key: str) -> str:
    """One sentence, then hang up (acknowledged; nothing left to acknowledge)."""
    lang = record.get("lang") or "en"
    language = VOICES.get(lang, "en-US")
    response = VoiceResponse()
    response.say(t(key, lang), language=language, voice=SPEAKERS[language])
    response.hangup()
    return str(response)


def empty() -> str:
    return str(VoiceResponse())
