"""Texts of the bridge, in English and Spanish."""

from bot.i18n import register

MESSAGES = {
    "bridge.edited": {"en": "edited", "es": "editado"},
    "bridge.forwarded": {"en": "↪ forwarded from {origin}", "es": "↪ reenviado de {origin}"},
    "bridge.stranger": {
        "en": "{name} · ⚠️ not in the directory ({platform})",
        "es": "{name} · ⚠️ no está en el directorio ({platform})",
    },
    "bridge.delayed": {
        "en": "⏳ Delivery to this room is delayed by the platform's rate limit; several messages are combined below, each with its author, in order.",
        "es": "⏳ La entrega a esta sala se retrasa por el límite de envío de la plataforma; abajo se combinan varios mensajes, cada uno con su autor, en orden.",
    },
    "bridge.sticker": {"en": "[sticker {emoji}]", "es": "[sticker {emoji}]"},
    "bridge.contact": {"en": "[contact] {name} {phone}", "es": "[contacto] {name} {phone}"},
    "bridge.location": {"en": "📍 Location: {lat}, {lon}", "es": "📍 Ubicación: {lat}, {lon}"},
    "bridge.venue": {"en": "📍 {title}, {address}: {lat}, {lon}", "es": "📍 {title}, {address}: {lat}, {lon}"},
    "bridge.file_too_big": {
        "en": "⚠️ Not relayed: {kind} “{name}” ({size}) is over the {limit} limit of {platform} for bots. Ask the sender to share it another way.",
        "es": "⚠️ No se retransmitió: {kind} «{name}» ({size}) supera el límite de {limit} de {platform} para bots. Pida a quien lo envió que lo comparta por otro medio.",
    },
    "bridge.file_failed": {
        "en": "⚠️ Not relayed: {kind} “{name}” could not be fetched from {platform} ({reason}).",
        "es": "⚠️ No se retransmitió: {kind} «{name}» no se pudo obtener de {platform} ({reason}).",
    },
    "bridge.kind.photo": {"en": "photo", "es": "foto"},
    "bridge.kind.file": {"en": "file", "es": "archivo"},
    "bridge.kind.document": {"en": "document", "es": "documento"},
    "bridge.kind.voice": {"en": "voice note", "es": "nota de voz"},
    "bridge.kind.audio": {"en": "audio", "es": "audio"},
    "bridge.kind.video": {"en": "video", "es": "video"},
    "bridge.kind.animation": {"en": "animation", "es": "animación"},
    "bridge.kind.video_note": {"en": "video message", "es": "videomensaje"},
}

register(MESSAGES)
