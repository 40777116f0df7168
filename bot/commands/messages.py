"""Texts of the core commands (/contacts, /sitrep, the BLM a command acts on)."""

from bot.i18n import register

MESSAGES = {
    "blm.needed": {
        "en": "In the central room, say which BLM: blm=<id>",
        "es": "En la sala central indique el mecanismo: blm=<id>",
    },
    "blm.unknown": {
        "en": "Unknown BLM {name}. Configured here: {known}.",
        "es": "Mecanismo desconocido: {name}. Configurados aquí: {known}.",
    },
    "blm.not_configured": {
        "en": "{blm} is not configured in this deployment.",
        "es": "{blm} no está configurado en este despliegue.",
    },
    "contacts.title": {"en": "People of {blm}", "es": "Personas de {blm}"},
    "contacts.none": {
        "en": "No people are configured for this BLM.",
        "es": "No hay personas configuradas para este mecanismo.",
    },
    "contacts.line": {"en": "{name} — {role}{agency}{side}{where}", "es": "{name} — {role}{agency}{side}{where}"},
    "side.us": {"en": "US", "es": "EUA"},
    "side.mx": {"en": "MX", "es": "MX"},
    "sitrep.title": {"en": "SITREP — {blm}", "es": "REPORTE DE SITUACIÓN — {blm}"},
    "sitrep.title_incident": {
        "en": "SITREP — {blm} — incident {incident}",
        "es": "REPORTE DE SITUACIÓN — {blm} — incidente {incident}",
    },
    "sitrep.from": {"en": "From {name}", "es": "De {name}"},
    "sitrep.sent": {
        "en": "Situation report sent to the central room.",
        "es": "Reporte de situación enviado a la sala central.",
    },
    "sitrep.empty": {
        "en": "Write the report after the command: /sitrep <text>",
        "es": "Escriba el reporte después del comando: /sitrep <texto>",
    },
    "sitrep.which": {
        "en": "Several incidents are open here: {incidents}. Say which one the report is about: {example}",
        "es": "Hay varios incidentes abiertos aquí: {incidents}. Indique a cuál se refiere el reporte: {example}",
    },
    "sitrep.no_central": {
        "en": "No central room is configured; the report was not sent.",
        "es": "No hay sala central configurada; el reporte no se envió.",
    },
}

register(MESSAGES)
