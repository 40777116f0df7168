"""Texts of the telephone alarm (spoken, SMS, timeline, status lines), English and Spanish."""

from bot.i18n import register

MESSAGES = {
    # spoken on the call (Twilio <Say>, es-MX / en-US)
    "alarm.voice.exercise": {"en": "This is an exercise.", "es": "Esto es un ejercicio."},
    "alarm.voice.intro": {
        "en": "Border Liaison Mechanism alert, {blm}. Incident {incident}.",
        "es": "Alerta del Mecanismo de Enlace Fronterizo, {blm}. Incidente {incident}.",
    },
    "alarm.voice.press": {
        "en": "Press 1 to acknowledge. Press 2 to hear it again.",
        "es": "Oprima 1 para confirmar. Oprima 2 para escucharlo de nuevo.",
    },
    "alarm.voice.acked": {
        "en": "Acknowledged. Thank you. Both rooms will be told.",
        "es": "Confirmado. Gracias. Se avisará en ambas salas.",
    },
    "alarm.voice.no_input": {
        "en": "No key was pressed. Acknowledge in the chat with slash ack. Goodbye.",
        "es": "No se oprimió ninguna tecla. Confirme en el chat con diagonal ack. Adiós.",
    },
    "alarm.voice.ended": {
        "en": "This alert needs no acknowledgement any more. Thank you. Goodbye.",
        "es": "Esta alerta ya no necesita confirmación. Gracias. Adiós.",
    },
    # the SMS sent to each person called
    "alarm.sms": {
        "en": "{exercise}{incident} ({blm}): {text} — Answer the call and press 1, or /ack in the chat.",
        "es": "{exercise}{incident} ({blm}): {text} — Conteste la llamada y oprima 1, o /ack en el chat.",
    },
    "alarm.sms.exercise": {"en": "EXERCISE. ", "es": "EJERCICIO. "},
    # a drill that calls nobody says whom it would have rung
    "alarm.drill.would_call": {
        "en": "{incident}: the telephone alarm would now ring {names}. A drill calls nobody unless it is started with calls=yes.",
        "es": "{incident}: la alarma telefónica llamaría ahora a {names}. Un ejercicio no llama a nadie salvo que se inicie con calls=yes.",
    },
    # status lines (/help, start-up)
    "alarm.status.on": {
        "en": "Telephone alarm: on. Overdue acknowledgements marked call: true ring phones.",
        "es": "Alarma telefónica: activa. Las confirmaciones vencidas marcadas call: true hacen sonar teléfonos.",
    },
    "alarm.status.off": {
        "en": "Telephone alarm: off (Twilio and PUBLIC_URL not configured): nobody is called.",
        "es": "Alarma telefónica: desactivada (Twilio y PUBLIC_URL sin configurar): no se llama a nadie.",
    },
    # timeline entries (the report describes events with engine.ev.{kind})
    "engine.ev.call": {
        "en": "Phone call to {person} ({level_text}), and an SMS",
        "es": "Llamada telefónica a {person} ({level_text}), y un SMS",
    },
    "engine.ev.call_result": {
        "en": "Phone call to {person}: {result_text}",
        "es": "Llamada telefónica a {person}: {result_text}",
    },
    "engine.ev.call_skipped": {
        "en": "No phone call to {person}: {why_text}",
        "es": "Sin llamada telefónica a {person}: {why_text}",
    },
    "alarm.level.role": {"en": "must acknowledge", "es": "debe confirmar"},
    "alarm.level.escalation": {"en": "escalation", "es": "escalamiento"},
    "alarm.result.no-answer": {"en": "no answer", "es": "no contestó"},
    "alarm.result.busy": {"en": "busy", "es": "ocupado"},
    "alarm.result.failed": {"en": "the call failed", "es": "la llamada falló"},
    "alarm.result.canceled": {"en": "cancelled", "es": "cancelada"},
    "alarm.result.completed": {
        "en": "answered, not acknowledged",
        "es": "contestó, sin confirmar",
    },
    "alarm.result.lost": {
        "en": "no word from the telephone service in time",
        "es": "sin noticias del servicio telefónico a tiempo",
    },
    "alarm.why.drill": {
        "en": "a drill (start it with calls=yes to ring phones)",
        "es": "un ejercicio (inícielo con calls=yes para hacer sonar teléfonos)",
    },
    "alarm.why.cap": {
        "en": "the incident reached its limit of calls",
        "es": "el incidente llegó a su límite de llamadas",
    },
    "alarm.why.person_cap": {
        "en": "this person was called too often in the past hour",
        "es": "a esta persona se le llamó demasiadas veces en la última hora",
    },
}

register(MESSAGES)
