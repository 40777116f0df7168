"""Texts of the operations board (pages and the /board command), English and Spanish."""

from bot.i18n import register

MESSAGES = {
    # the /board command
    "cmd.board": {
        "en": "a sign-in link to the operations board, sent privately",
        "es": "un enlace de acceso al tablero de operaciones, enviado en privado",
    },
    "board.link.sent": {
        "en": "Your sign-in link to the operations board (valid 10 minutes, usable once): {url}",
        "es": "Su enlace de acceso al tablero de operaciones (válido 10 minutos, un solo uso): {url}",
    },
    "board.link.not_in_config": {
        "en": "Only people in this deployment's configuration can sign in to the board.",
        "es": "Solo las personas de la configuración de este despliegue pueden entrar al tablero.",
    },
    "board.link.no_public_url": {
        "en": "The board is not available: PUBLIC_URL is not set.",
        "es": "El tablero no está disponible: falta configurar PUBLIC_URL.",
    },
    "board.link.no_private_chat": {
        "en": "I cannot reach you privately here: send /board to me in a private chat.",
        "es": "No puedo escribirle en privado desde aquí: envíeme /board en un chat privado.",
    },
    # pages: frame
    "board.title": {"en": "Operations board", "es": "Tablero de operaciones"},
    "board.skip": {"en": "Skip to content", "es": "Saltar al contenido"},
    "board.signed_in_as": {"en": "Signed in as {name} ({role})", "es": "Sesión de {name} ({role})"},
    "board.sign_out": {"en": "Sign out", "es": "Cerrar sesión"},
    "board.language": {"en": "Language", "es": "Idioma"},
    "board.live.connecting": {"en": "Connecting…", "es": "Conectando…"},
    "board.live.on": {"en": "Live", "es": "En vivo"},
    "board.live.off": {"en": "Reconnecting…", "es": "Reconectando…"},
    "board.overview": {"en": "Overview", "es": "Panorama"},
    # sign-in
    "board.signin.title": {"en": "Sign in to the operations board", "es": "Entrar al tablero de operaciones"},
    "board.signin.how": {
        "en": "Send /board to the bot in Slack or Telegram: it sends you a one-time sign-in link privately.",
        "es": "Envíe /board al bot en Slack o Telegram: le enviará en privado un enlace de acceso de un solo uso.",
    },
    "board.signin.button": {"en": "Sign in", "es": "Entrar"},
    "board.signin.confirm": {
        "en": "This link signs you in once and then stops working.",
        "es": "Este enlace abre su sesión una vez y después deja de funcionar.",
    },
    "board.signin.invalid": {
        "en": "This sign-in link is used, expired or not valid. Send /board in chat for a new one.",
        "es": "Este enlace de acceso ya se usó, caducó o no es válido. Envíe /board en el chat para recibir otro.",
    },
    "board.signed_out": {"en": "You are signed out.", "es": "Cerró su sesión."},
    "board.refused.csrf": {
        "en": "Refused: this form did not come from the board. Reload the page and try again.",
        "es": "Rechazado: este formulario no vino del tablero. Recargue la página e inténtelo de nuevo.",
    },
    "board.not_found": {"en": "Not found, or not yours to see.", "es": "No encontrado, o no le corresponde verlo."},
    # overview
    "board.map.title": {"en": "Map of the ten BLMs", "es": "Mapa de los diez mecanismos"},
    "board.map.desc": {
        "en": "The US–Mexico border from San Diego–Tijuana to Brownsville–Matamoros; red: incident open, "
        "amber: drill or advisory, green: quiet, grey: not yours or not configured.",
        "es": "La frontera México–EUA de Tijuana–San Diego a Matamoros–Brownsville; rojo: incidente abierto, "
        "ámbar: simulacro o aviso, verde: sin novedad, gris: no le corresponde o no configurado.",
    },
    "board.blms": {"en": "BLMs", "es": "Mecanismos"},
    "board.none_visible": {
        "en": "No BLM of this deployment is yours to see.",
        "es": "Ningún mecanismo de este despliegue le corresponde.",
    },
    "board.quiet": {"en": "No open incident or drill.", "es": "Sin incidentes ni simulacros abiertos."},
    "board.drill": {"en": "DRILL", "es": "SIMULACRO"},
    "board.waiting.ask": {"en": "Waiting for an answer: {step}", "es": "Esperando respuesta: {step}"},
    "board.waiting.ack": {"en": "Waiting for an acknowledgement: {step}", "es": "Esperando confirmación: {step}"},
    "board.waiting.wait": {"en": "Waiting (timer): {step}", "es": "En espera (temporizador): {step}"},
    "board.waiting.none": {"en": "Not waiting on a step", "es": "Sin paso en espera"},
    "board.must_ack": {"en": "Must acknowledge ({role}): {people}", "es": "Debe confirmar ({role}): {people}"},
    "board.escalation.none": {"en": "not yet reminded", "es": "aún sin recordatorio"},
    "board.escalation.reminded": {"en": "reminder {n} of {total}", "es": "recordatorio {n} de {total}"},
    "board.escalation.escalated": {
        "en": "escalated to the central room ({role})",
        "es": "escalado a la sala central ({role})",
    },
    "board.progress": {"en": "{title}: {done} of {total} done", "es": "{title}: {done} de {total} hechos"},
    "board.advisories": {"en": "Active advisories", "es": "Avisos activos"},
    "board.advisory.none": {"en": "No active advisory.", "es": "Sin avisos activos."},
    "board.health": {
        "en": "Delivery: {backlog} waiting, {limited}, {dead} failed for good",
        "es": "Entrega: {backlog} en espera, {limited}, {dead} fallidos definitivamente",
    },
    "board.health.limited": {"en": "rate-limited", "es": "con límite de envío"},
    "board.health.free": {"en": "not rate-limited", "es": "sin límite de envío"},
    "board.health.room": {"en": "{platform}: {text}", "es": "{platform}: {text}"},
    # incident page
    "board.inc.status": {"en": "Status: {status}", "es": "Estado: {status}"},
    "board.inc.started": {"en": "Started by {who}", "es": "Iniciado por {who}"},
    "board.inc.times": {"en": "Times", "es": "Horas"},
    "board.inc.acks": {"en": "Acknowledgements asked", "es": "Confirmaciones pedidas"},
    "board.inc.no_acks": {"en": "No acknowledgement pending.", "es": "Ninguna confirmación pendiente."},
    "board.inc.ack_button": {"en": "Acknowledge", "es": "Confirmar"},
    "board.inc.questions": {"en": "Questions", "es": "Preguntas"},
    "board.inc.no_questions": {"en": "No question pending.", "es": "Ninguna pregunta pendiente."},
    "board.inc.answer_button": {"en": "Answer", "es": "Responder"},
    "board.inc.answer_label": {"en": "Your answer", "es": "Su respuesta"},
    "board.inc.checklists": {"en": "Checklists", "es": "Listas de verificación"},
    "board.inc.ticked": {"en": "ticked by {who}, {when}", "es": "marcado por {who}, {when}"},
    "board.inc.save": {"en": "Save", "es": "Guardar"},
    "board.inc.sitrep": {"en": "Situation report to the central room", "es": "Reporte de situación a la sala central"},
    "board.inc.sitrep_button": {"en": "Send sitrep", "es": "Enviar reporte"},
    "board.inc.close": {"en": "Close the incident", "es": "Cerrar el incidente"},
    "board.inc.close_note": {"en": "Closing note (optional)", "es": "Nota de cierre (opcional)"},
    "board.inc.close_button": {"en": "Close incident", "es": "Cerrar incidente"},
    "board.inc.report": {"en": "Report", "es": "Informe"},
    "board.inc.report_md": {"en": "Download the report (Markdown)", "es": "Descargar el informe (Markdown)"},
    "board.inc.report_json": {"en": "Download the report (JSON)", "es": "Descargar el informe (JSON)"},
    "board.inc.timeline": {"en": "Timeline", "es": "Cronología"},
    "board.inc.col_utc": {"en": "UTC", "es": "UTC"},
    "board.inc.col_us": {"en": "US local", "es": "Hora EUA"},
    "board.inc.col_mx": {"en": "Mexico local", "es": "Hora México"},
    "board.inc.col_who": {"en": "Who", "es": "Quién"},
    "board.inc.col_what": {"en": "What", "es": "Qué"},
    "board.inc.via_board": {"en": "(from the board)", "es": "(desde el tablero)"},
    "board.inc.view_only": {
        "en": "Your role here is {role}: you can see this incident but not act on it.",
        "es": "Su rol aquí es {role}: puede ver este incidente pero no actuar en él.",
    },
    "board.inc.open_link": {"en": "Open {incident}", "es": "Abrir {incident}"},
    # results of acting
    "board.done.ack": {"en": "Acknowledged.", "es": "Confirmado."},
    "board.done.check": {"en": "Ticked.", "es": "Marcado."},
    "board.done.uncheck": {"en": "Tick taken back.", "es": "Marca retirada."},
    "board.done.answer": {"en": "Answer recorded.", "es": "Respuesta registrada."},
    "board.done.close": {"en": "Incident closed.", "es": "Incidente cerrado."},
    "board.refused.role": {
        "en": "Refused: this needs the {needed} role; yours here is {role}.",
        "es": "Rechazado: se necesita el rol {needed}; el suyo aquí es {role}.",
    },
    "board.refused.gone": {"en": "That step is no longer there.", "es": "Ese paso ya no existe."},
}

register(MESSAGES)
