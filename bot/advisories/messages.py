"""Texts of the advisories domain, in English and Spanish.

Only the bot's own framing lives here (titles, labels, the "what to do" guidance by severity). The
issuer's headline, description and instruction are shown as written, never translated at run time.
"""

from bot.i18n import register

MESSAGES = {
    # ---- posts ---------------------------------------------------------------------------------
    "adv.title": {"en": "Weather alert: {event}", "es": "Alerta meteorológica: {event}"},  # review S-M2
    "adv.title.people": {"en": "BLM advisory", "es": "Aviso del Mecanismo de Enlace Fronterizo"},
    "adv.title.updated": {"en": "UPDATED – {title}", "es": "ACTUALIZADO – {title}"},
    "adv.title.cancelled": {"en": "CANCELLED – {title}", "es": "CANCELADO – {title}"},
    "adv.title.ended": {"en": "NO LONGER ACTIVE – {title}", "es": "YA NO VIGENTE – {title}"},
    "adv.line.for": {"en": "For: {blm}", "es": "Para: {blm}"},
    "adv.line.level": {
        "en": "Severity: {severity} · Urgency: {urgency} · Certainty: {certainty}",
        "es": "Gravedad: {severity} · Urgencia: {urgency} · Certeza: {certainty}",
    },
    "adv.line.onset": {"en": "Begins: {when}", "es": "Inicia: {when}"},
    "adv.line.ends": {"en": "Ends: {when}", "es": "Termina: {when}"},
    "adv.line.ends_unknown": {"en": "Ends: not given by the issuer", "es": "Termina: el emisor no lo indica"},
    # `expires` is when the message lapses, not the hazard: said so, so nobody reads it as the end
    "adv.line.expires": {
        "en": "This message expires: {when} (the issuer updates it by then)",
        "es": "Este mensaje vence: {when} (el emisor lo actualiza antes)",
    },
    "adv.line.issuer": {"en": "Issued by: {issuer}", "es": "Emitido por: {issuer}"},
    "adv.line.issuer_text": {
        "en": "Issuer's text ({language}), as written:",
        "es": "Texto del emisor ({language}), tal como fue escrito:",
    },
    "adv.line.instruction": {"en": "Issuer's instructions: {text}", "es": "Instrucciones del emisor: {text}"},
    "adv.line.more": {"en": "More: {url}", "es": "Más información: {url}"},
    "adv.line.incident": {"en": "Playbook started: {incidents}", "es": "Protocolo iniciado: {incidents}"},
    "adv.line.reference": {"en": "Reference: {identifier}", "es": "Referencia: {identifier}"},
    "adv.line.changed": {"en": "What changed: {changes}", "es": "Qué cambió: {changes}"},
    "adv.line.unchanged": {
        "en": "What changed: the issuer re-issued it without changes to these details.",
        "es": "Qué cambió: el emisor lo volvió a emitir sin cambios en estos datos.",
    },
    "adv.line.cancelled": {
        "en": "The issuer cancelled this advisory. It is no longer in effect.",
        "es": "El emisor canceló este aviso. Ya no está en vigor.",
    },
    "adv.line.expired": {
        "en": "This advisory expired at {when}. It is no longer active.",
        "es": "Este aviso venció el {when}. Ya no está vigente.",
    },
    "adv.line.expired_before_end": {
        "en": "The issuer sent no update before it expired; the hazard was forecast to last until {when}.",
        "es": "El emisor no lo actualizó antes de vencer; se pronosticaba que el peligro duraría hasta {when}.",
    },
    "adv.line.gone": {
        "en": "The issuer no longer lists this advisory as active (no cancellation received).",
        "es": "El emisor ya no publica este aviso como vigente (no se recibió cancelación).",
    },
    "adv.line.moved": {
        "en": "The issuer's update no longer covers this BLM.",
        "es": "La actualización del emisor ya no incluye a este mecanismo.",
    },
    "adv.line.people_by": {"en": "Posted by {name}", "es": "Publicado por {name}"},
    "adv.field.event": {"en": "event", "es": "evento"},
    "adv.field.severity": {"en": "severity", "es": "gravedad"},
    "adv.field.urgency": {"en": "urgency", "es": "urgencia"},
    "adv.field.certainty": {"en": "certainty", "es": "certeza"},
    "adv.field.onset": {"en": "start", "es": "inicio"},
    "adv.field.ends": {"en": "end", "es": "fin"},
    "adv.field.expires": {"en": "message expiry", "es": "vencimiento del mensaje"},
    "adv.field.headline": {"en": "headline", "es": "titular"},
    "adv.field.description": {"en": "description", "es": "descripción"},
    "adv.field.instruction": {"en": "instructions", "es": "instrucciones"},
    "adv.field.area": {"en": "area", "es": "zona"},
    "adv.lang.en": {"en": "English", "es": "inglés"},
    "adv.lang.es": {"en": "Spanish", "es": "español"},
    "adv.lang.other": {"en": "{code}", "es": "{code}"},
    # CAP values, shown in the reader's language
    "adv.severity.Extreme": {"en": "Extreme", "es": "Extrema"},
    "adv.severity.Severe": {"en": "Severe", "es": "Grave"},
    "adv.severity.Moderate": {"en": "Moderate", "es": "Moderada"},
    "adv.severity.Minor": {"en": "Minor", "es": "Menor"},
    "adv.severity.Unknown": {"en": "Unknown", "es": "Desconocida"},
    "adv.urgency.Immediate": {"en": "Immediate", "es": "Inmediata"},
    "adv.urgency.Expected": {"en": "Expected", "es": "Esperada"},
    "adv.urgency.Future": {"en": "Future", "es": "Futura"},
    "adv.urgency.Past": {"en": "Past", "es": "Pasada"},
    "adv.urgency.Unknown": {"en": "Unknown", "es": "Desconocida"},
    "adv.certainty.Observed": {"en": "Observed", "es": "Observada"},
    "adv.certainty.Likely": {"en": "Likely", "es": "Probable"},
    "adv.certainty.Very Likely": {"en": "Very likely", "es": "Muy probable"},
    "adv.certainty.Possible": {"en": "Possible", "es": "Posible"},
    "adv.certainty.Unlikely": {"en": "Unlikely", "es": "Poco probable"},
    "adv.certainty.Unknown": {"en": "Unknown", "es": "Desconocida"},
    # What to do, keyed by severity: the bot's own guidance, written in both languages.
    "adv.todo.Extreme": {
        "en": "What to do: extraordinary threat to life or property. Activate the agreed playbook now, alert the counterpart side, and confirm both sides' field teams are informed.",
        "es": "Qué hacer: amenaza extraordinaria para la vida o los bienes. Active ahora el protocolo acordado, avise a la contraparte y confirme que los equipos de campo de ambos lados estén informados.",
    },
    "adv.todo.Severe": {
        "en": "What to do: significant threat to life or property. Review the agreed playbook, brief field teams on both sides, and be ready to act.",
        "es": "Qué hacer: amenaza importante para la vida o los bienes. Revise el protocolo acordado, informe a los equipos de campo de ambos lados y esté listo para actuar.",
    },
    "adv.todo.Moderate": {
        "en": "What to do: possible threat to life or property. Keep field teams informed and watch for updates.",
        "es": "Qué hacer: posible amenaza para la vida o los bienes. Mantenga informados a los equipos de campo y esté atento a actualizaciones.",
    },
    "adv.todo.Minor": {
        "en": "What to do: minimal threat. Stay aware and watch for updates.",
        "es": "Qué hacer: amenaza mínima. Manténgase alerta y esté atento a actualizaciones.",
    },
    "adv.todo.Unknown": {
        "en": "What to do: read the issuer's text and watch for updates.",
        "es": "Qué hacer: lea el texto del emisor y esté atento a actualizaciones.",
    },
    "adv.event.people": {"en": "BLM advisory", "es": "Aviso del mecanismo"},
    # ---- the central room's digest (digest.py) -------------------------------------------------
    "adv.digest.title": {
        "en": "Weather digest – {event}: {count} BLM(s)",
        "es": "Resumen meteorológico – {event}: {count} mecanismo(s)",
    },
    "adv.digest.title_none": {"en": "Weather digest – {event}", "es": "Resumen meteorológico – {event}"},
    "adv.digest.intro": {
        "en": "Severe or extreme weather advisory in force in these BLMs (times in UTC):",
        "es": "Aviso meteorológico grave o extremo vigente en estos mecanismos (horas en UTC):",
    },
    "adv.digest.none": {
        "en": "No BLM is under this advisory any more.",
        "es": "Ningún mecanismo está ya bajo este aviso.",
    },
    "adv.digest.line": {"en": "• {blm}: {details}", "es": "• {blm}: {details}"},
    "adv.digest.ends": {"en": "ends {when}", "es": "termina {when}"},
    "adv.digest.expires": {"en": "message expires {when}", "es": "el mensaje vence {when}"},
    "adv.digest.updated": {"en": "updated", "es": "actualizado"},
    "adv.digest.cleared": {"en": "• {blm}: cleared ({reason})", "es": "• {blm}: retirado ({reason})"},
    "adv.digest.why.cancelled": {"en": "cancelled by the issuer", "es": "cancelado por el emisor"},
    "adv.digest.why.expired": {"en": "expired", "es": "vencido"},
    "adv.digest.why.gone": {"en": "no longer listed by the issuer", "es": "el emisor ya no lo publica"},
    "adv.digest.why.moved": {"en": "the update no longer covers it", "es": "la actualización ya no lo incluye"},
    "adv.digest.why.downgraded": {"en": "now below Severe", "es": "ahora por debajo de Grave"},
    # ---- commands ------------------------------------------------------------------------------
    "adv.list.title": {"en": "Active advisories – {blm}", "es": "Avisos vigentes – {blm}"},
    "adv.list.none": {"en": "No active advisories – {blm}", "es": "No hay avisos vigentes – {blm}"},
    "adv.list.item": {
        "en": "• {event} ({severity}) until {until} – {source}",
        "es": "• {event} ({severity}) hasta {until} – {source}",
    },
    "adv.list.no_expiry": {"en": "further notice", "es": "nuevo aviso"},
    "adv.source.nws": {  # review S-M1: not to be read as SMN-CONAGUA
        "en": "US National Weather Service (NWS)",
        "es": "Servicio Meteorológico Nacional de Estados Unidos (NWS)",
    },
    "adv.source.cap": {"en": "CAP feed", "es": "canal CAP"},
    "adv.source.people": {"en": "posted by the BLM", "es": "publicado por el mecanismo"},
    "adv.post.done": {
        "en": "Advisory {identifier} posted to both rooms – {blm}",
        "es": "Aviso {identifier} publicado en ambas salas – {blm}",
    },
    "adv.post.usage": {
        "en": 'Give the text: /advisory post <text>, or en="…" es="…" for a text in each language.',
        "es": 'Escriba el texto: /advisory post <texto>, o en="…" es="…" para un texto en cada idioma.',
    },
}

register(MESSAGES)
