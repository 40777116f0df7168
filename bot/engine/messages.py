"""Texts of the playbook engine and its commands, English and Spanish."""

from bot.i18n import register

MESSAGES = {
    # runs
    "engine.run.started": {"en": "{incident} started: {title}", "es": "{incident} iniciado: {title}"},
    "engine.run.started_drill": {
        "en": "{incident} drill started: {title}",
        "es": "{incident}: simulacro iniciado: {title}",
    },
    "engine.run.started_by": {"en": "Started by {who} at {when}", "es": "Iniciado por {who} a las {when}"},
    "engine.run.by_advisory": {"en": "the weather alert {event}", "es": "la alerta meteorológica {event}"},
    "engine.run.completed": {
        "en": "{incident}: all playbook steps done. Close it with /incident close when the situation is over.",
        "es": "{incident}: se completaron todos los pasos del protocolo. Ciérrelo con /incident close cuando termine la situación.",
    },
    "engine.run.aborted": {
        "en": "{incident} aborted by {who} at {when}.",
        "es": "{incident} cancelado por {who} a las {when}.",
    },
    "engine.run.closed": {
        "en": "{incident} closed by {who} at {when}. The after-action report is available with /incident report.",
        "es": "{incident} cerrado por {who} a las {when}. El informe posterior está disponible con /incident report.",
    },
    # checklists
    "engine.chk.todo": {"en": "☐ {text}", "es": "☐ {text}"},
    "engine.chk.done": {"en": "☑ {text} — {who}, {when}", "es": "☑ {text} — {who}, {when}"},
    "engine.chk.optional": {"en": "optional", "es": "opcional"},
    "engine.chk.progress": {
        "en": "{incident} checklist: {done} of {total} done. Tap an item when it is done.",
        "es": "Lista de verificación de {incident}: {done} de {total} completados. Marque cada punto al completarlo.",
    },
    # questions
    "engine.ask.title": {"en": "{incident}: question", "es": "{incident}: pregunta"},
    "engine.ask.hint": {"en": "Reply to this message to answer.", "es": "Responda a este mensaje para contestar."},
    "engine.ask.hint_choices": {
        "en": "Tap an answer, or reply to this message.",
        "es": "Seleccione una respuesta o responda a este mensaje.",
    },
    "engine.ask.answered": {"en": "Answer: {answer} — {who}, {when}", "es": "Respuesta: {answer} — {who}, {when}"},
    "engine.ask.timed_out": {
        "en": "No answer in time; going on with: {answer}",
        "es": "Sin respuesta a tiempo; se continúa con: {answer}",
    },
    # acknowledgements and escalation
    "engine.ack.button": {"en": "Acknowledge", "es": "Confirmar recepción"},
    "engine.ack.title": {
        "en": "{incident}: acknowledge within {minutes} min",
        "es": "{incident}: confirmen la recepción en menos de {minutes} min",
    },
    "engine.ack.reminder": {
        "en": "{incident}: REMINDER {n}/{total}: not acknowledged after {minutes} min",
        "es": "{incident}: RECORDATORIO {n}/{total}: sin confirmación después de {minutes} min",
    },
    "engine.ack.escalation": {
        "en": "ESCALATION {incident} ({blm}): not acknowledged after {minutes} min",
        "es": "ESCALAMIENTO {incident} ({blm}): sin confirmación después de {minutes} min",
    },
    "engine.ack.done": {
        "en": "{incident}: acknowledged by {who} at {when}",
        "es": "{incident}: confirmado por {who} a las {when}",
    },
    "engine.ack.done_phone": {
        "en": "{incident}: acknowledged by phone by {who} at {when}",
        "es": "{incident}: confirmado por teléfono por {who} a las {when}",
    },
    "engine.ack.dm": {
        "en": "You are needed: {incident} ({blm}) waits for an acknowledgement. Use the button in the room or /ack {incident} there.",
        "es": "Se le necesita: {incident} ({blm}) espera una confirmación. Use el botón en la sala o /ack {incident} allí.",
    },
    # refusals and answers to people
    "engine.refuse.not_open": {"en": "{incident} is no longer open.", "es": "{incident} ya no está abierto."},
    "engine.refuse.nothing_to_ack": {
        "en": "Nothing in {incident} waits for an acknowledgement.",
        "es": "Nada en {incident} espera confirmación.",
    },
    "engine.refuse.already_acked": {"en": "Already acknowledged by {who}.", "es": "Ya lo confirmó {who}."},
    "engine.refuse.no_question": {
        "en": "{incident} has no open question.",
        "es": "{incident} no tiene una pregunta abierta.",
    },
    "engine.refuse.already_answered": {"en": "Already answered: {answer}.", "es": "Ya se respondió: {answer}."},
    "engine.refuse.empty_answer": {"en": "The answer is empty.", "es": "La respuesta está vacía."},
    "engine.refuse.bad_choice": {
        "en": "Answer with one of: {options}.",
        "es": "Responda con una de estas opciones: {options}.",
    },
    "engine.refuse.no_checklist": {
        "en": "{incident} has no such checklist item.",
        "es": "{incident} no tiene ese punto en la lista.",
    },
    "engine.refuse.already_ticked": {"en": "Already ticked by {who} ({when}).", "es": "Ya lo marcó {who} ({when})."},
    "engine.refuse.not_ticked": {"en": "That item is not ticked.", "es": "Ese punto no está marcado."},
    "engine.refuse.button_unknown": {
        "en": "This button has expired or is not valid. Use the commands instead (/help).",
        "es": "Este botón caducó o no es válido. Use los comandos (/help).",
    },
    "engine.refuse.button_room": {
        "en": "This button works only in the room where it was posted.",
        "es": "Este botón solo funciona en la sala donde se publicó.",
    },
    "engine.refuse.button_role": {
        "en": "This needs the role {needed}; yours here is {role}.",
        "es": "Esto requiere la función {needed}; la suya aquí es {role}.",
    },
    "engine.refuse.unknown_playbook": {
        "en": "There is no playbook {name}.{suggestion} /playbook list shows them.",
        "es": "No existe el protocolo {name}.{suggestion} /playbook list los muestra.",
    },
    "engine.refuse.did_you_mean": {"en": " Did you mean {options}?", "es": " ¿Quiso decir {options}?"},
    "engine.refuse.bad_param": {"en": "Parameter problem: {problem}", "es": "Problema con un parámetro: {problem}"},
    "engine.refuse.unknown_param": {
        "en": "{playbook} has no parameter {name}. It takes: {names}.",
        "es": "{playbook} no tiene el parámetro {name}. Acepta: {names}.",
    },
    "engine.refuse.need_playbook": {
        "en": "Which playbook? /playbook run <id>; /playbook list shows them.",
        "es": "¿Qué protocolo? /playbook run <id>; /playbook list los muestra.",
    },
    "engine.refuse.no_incident": {
        "en": "No open incident here. /incident list shows them.",
        "es": "No hay un incidente abierto aquí. /incident list los muestra.",
    },
    "engine.refuse.which_incident": {
        "en": "Several incidents are open here: {incidents}. Say which: put its id after the command.",
        "es": "Hay varios incidentes abiertos aquí: {incidents}. Indique cuál: ponga su id después del comando.",
    },
    "engine.refuse.unknown_incident": {
        "en": "There is no incident {incident} in this BLM.",
        "es": "No existe el incidente {incident} en este mecanismo.",
    },
    "engine.refuse.manual_off": {
        "en": "{playbook} starts only from advisories.",
        "es": "{playbook} solo se inicia con avisos.",
    },
    # command answers
    "engine.list.title": {"en": "Playbooks", "es": "Protocolos"},
    "engine.list.empty": {"en": "No playbooks are loaded.", "es": "No hay protocolos cargados."},
    "engine.list.line": {
        "en": "{id} (v{version}, {severity}) — {title}",
        "es": "{id} (v{version}, {severity}) — {title}",
    },
    "engine.list.footer": {
        "en": "Start one with /playbook run <id>, or practise with /playbook drill <id>.",
        "es": "Inicie uno con /playbook run <id> o practique con /playbook drill <id>.",
    },
    "engine.cmd.started": {"en": "{incident} started.", "es": "{incident} iniciado."},
    "engine.cmd.done": {"en": "Done.", "es": "Hecho."},
    "engine.cmd.ticked": {"en": "Ticked.", "es": "Marcado."},
    "engine.cmd.answered": {"en": "Answer recorded.", "es": "Respuesta registrada."},
    "engine.cmd.acked": {"en": "{incident}: acknowledged.", "es": "{incident}: confirmado."},
    "engine.inc.title": {"en": "Incidents", "es": "Incidentes"},
    "engine.inc.none": {"en": "No open incidents.", "es": "No hay incidentes abiertos."},
    "engine.inc.line": {
        "en": "{incident} {drill}— {title} — {status}, since {when}",
        "es": "{incident} {drill}— {title} — {status}, desde {when}",
    },
    "engine.inc.drill": {"en": "(drill) ", "es": "(simulacro) "},
    "engine.status.running": {"en": "running", "es": "en curso"},
    "engine.status.completed": {"en": "steps done, open", "es": "pasos completados, abierto"},
    "engine.status.aborted": {"en": "aborted", "es": "cancelado"},
    "engine.status.closed": {"en": "closed", "es": "cerrado"},
    "engine.show.waiting_ack": {"en": "Waiting for acknowledgement: {step}", "es": "Esperando confirmación: {step}"},
    "engine.show.waiting_ask": {"en": "Waiting for an answer: {step}", "es": "Esperando respuesta: {step}"},
    "engine.show.waiting_wait": {"en": "Waiting (timer): {step}", "es": "En espera (temporizador): {step}"},
    "engine.show.answer": {"en": "Answer {step}: {answer}", "es": "Respuesta {step}: {answer}"},
    "engine.show.checklist": {
        "en": "Checklist {step}: {done} of {total} done",
        "es": "Lista de verificación {step}: {done} de {total} completados",
    },
    "engine.show.params": {"en": "Parameters: {params}", "es": "Parámetros: {params}"},
    "engine.show.no_checklist": {
        "en": "{incident} has no checklist yet.",
        "es": "{incident} aún no tiene lista de verificación.",
    },
    # report
    "engine.report.title": {"en": "After-action report {incident}", "es": "Informe posterior {incident}"},
    "engine.report.draft": {"en": "DRAFT: the incident is still open.", "es": "BORRADOR: el incidente sigue abierto."},
    "engine.report.playbook": {"en": "Playbook", "es": "Protocolo"},
    "engine.report.blm": {"en": "Border Liaison Mechanism", "es": "Mecanismo de Enlace Fronterizo"},
    "engine.report.status": {"en": "Status", "es": "Estado"},
    "engine.report.started": {"en": "Started", "es": "Inicio"},
    "engine.report.ended": {"en": "Ended", "es": "Fin"},
    "engine.report.exercise": {"en": "Exercise", "es": "Simulacro"},
    "engine.report.yes": {"en": "yes", "es": "sí"},
    "engine.report.no": {"en": "no", "es": "no"},
    "engine.report.params": {"en": "Parameters", "es": "Parámetros"},
    "engine.report.answers": {"en": "Answers", "es": "Respuestas"},
    "engine.report.checklists": {"en": "Checklists", "es": "Listas de verificación"},
    "engine.report.log": {"en": "Activity log", "es": "Registro de actividades"},
    "engine.report.col_utc": {"en": "UTC", "es": "UTC"},
    "engine.report.col_us": {"en": "US local", "es": "Hora local EUA"},
    "engine.report.col_mx": {"en": "Mexico local", "es": "Hora local México"},
    "engine.report.col_who": {"en": "Who", "es": "Quién"},
    "engine.report.via_board": {"en": "(from the board)", "es": "(desde el tablero)"},
    "engine.report.col_what": {"en": "Activity", "es": "Actividad"},
    "engine.report.problems": {"en": "Problems during the run", "es": "Problemas durante la ejecución"},
    "engine.report.note": {"en": "Closing note", "es": "Nota de cierre"},
    "engine.report.not_ticked": {"en": "not done", "es": "pendiente"},
    # timeline events (report lines)
    "engine.ev.start": {
        "en": "Started playbook {playbook} v{version}",
        "es": "Inició el protocolo {playbook} v{version}",
    },
    "engine.ev.start_drill": {
        "en": "Started playbook {playbook} v{version} as an exercise",
        "es": "Inició el protocolo {playbook} v{version} como simulacro",
    },
    "engine.ev.post": {"en": "Posted to {to}: {text}", "es": "Publicado en {to}: {text}"},
    "engine.ev.checklist": {
        "en": "Posted checklist to {to}: {title}",
        "es": "Publicó lista de verificación en {to}: {title}",
    },
    "engine.ev.ask": {"en": "Asked ({to}): {text}", "es": "Preguntó ({to}): {text}"},
    "engine.ev.answer": {"en": "Answered {step}: {answer}", "es": "Respondió {step}: {answer}"},
    "engine.ev.answer_timeout": {
        "en": "No answer to {step}; went on with: {answer}",
        "es": "Sin respuesta a {step}; se continuó con: {answer}",
    },
    "engine.ev.wait": {"en": "Waiting {seconds} s", "es": "Espera de {seconds} s"},
    "engine.ev.ack_request": {
        "en": "Asked for acknowledgement ({to}) within {within} s: {text}",
        "es": "Solicitó confirmación ({to}) en {within} s: {text}",
    },
    "engine.ev.ack": {"en": "Acknowledged {step} after {after} s", "es": "Confirmó {step} después de {after} s"},
    "engine.ev.ack_phone": {
        "en": "Acknowledged {step} by phone after {after} s",
        "es": "Confirmó {step} por teléfono después de {after} s",
    },
    "engine.ev.reminder": {
        "en": "Reminder {attempt} for {step}; named: {role}",
        "es": "Recordatorio {attempt} de {step}; se mencionó a: {role}",
    },
    "engine.ev.escalation": {
        "en": "Escalated {step} to {to}; named: {role}",
        "es": "Escaló {step} a {to}; se mencionó a: {role}",
    },
    "engine.ev.check": {"en": "Ticked {item}: {text}", "es": "Marcó {item}: {text}"},
    "engine.ev.uncheck": {
        "en": "Took back the tick of {item} (by {was_by}): {text}",
        "es": "Retiró la marca de {item} (de {was_by}): {text}",
    },
    "engine.ev.branch": {"en": "Branch {step} → {goto}", "es": "Bifurcación {step} → {goto}"},
    "engine.ev.end": {"en": "All playbook steps done", "es": "Se completaron los pasos del protocolo"},
    "engine.ev.abort": {"en": "Aborted the run", "es": "Canceló la ejecución"},
    "engine.ev.close": {"en": "Closed the incident", "es": "Cerró el incidente"},
    "engine.ev.problem": {"en": "Problem: {problem}", "es": "Problema: {problem}"},
    "engine.ev.sitrep": {"en": "Situation report: {text}", "es": "Reporte de situación: {text}"},
    # simulate
    # `python -m bot simulate | report`: bad input answered in the person's language (--lang)
    "engine.cli.unknown_playbook": {
        "en": "There is no playbook {name}. Playbooks: {known}.",
        "es": "No existe el protocolo {name}. Protocolos: {known}.",
    },
    "engine.cli.unknown_blm": {
        "en": "There is no BLM {name}. Use an id or alias from the directory: {known}.",
        "es": "No existe el mecanismo {name}. Use un id o alias del directorio: {known}.",
    },
    "engine.cli.unknown_answer": {
        "en": "{playbook} asks no question {steps}. --answer takes a step that asks: {asks}.",
        "es": "{playbook} no hace la pregunta {steps}. --answer acepta un paso que pregunta: {asks}.",
    },
    "engine.cli.pair": {
        "en": "{option} takes KEY=VALUE, e.g. {option} crossing=Mariposa; not {given}.",
        "es": "{option} se escribe CLAVE=VALOR, p. ej. {option} crossing=Mariposa; no {given}.",
    },
    "engine.cli.no_redis": {
        "en": "Incidents live in the bot's Redis: set REDIS_URL to it (e.g. REDIS_URL=redis://localhost:6379/0).",
        "es": "Los incidentes están en el Redis del bot: indique REDIS_URL (p. ej. REDIS_URL=redis://localhost:6379/0).",
    },
    "engine.cli.redis_down": {
        "en": "Cannot reach Redis at REDIS_URL ({reason}). Is it running, and is the address right?",
        "es": "No se puede conectar con Redis en REDIS_URL ({reason}). ¿Está en marcha y la dirección es correcta?",
    },
    "engine.cli.bad_id": {
        "en": "{given} is not an incident id; they look like NOG-0142.",
        "es": "{given} no es un id de incidente; tienen la forma NOG-0142.",
    },
    "engine.cli.no_incident": {
        "en": "There is no incident {incident} in this Redis (or it was erased after its retention time).",
        "es": "No existe el incidente {incident} en este Redis (o se borró al cumplir su plazo de conservación).",
    },
    "engine.sim.header": {
        "en": "Simulation of {playbook} v{version} for {blm} (virtual clock)",
        "es": "Simulación de {playbook} v{version} para {blm} (reloj virtual)",
    },
    "engine.sim.waiting_answer": {
        "en": "The run waits for an answer to {step} (give --answer {step}=TEXT). Simulation stops here.",
        "es": "La ejecución espera una respuesta a {step} (use --answer {step}=TEXTO). La simulación termina aquí.",
    },
    "engine.sim.end": {"en": "End of simulation: status {status}.", "es": "Fin de la simulación: estado {status}."},
    "engine.sim.stuck": {
        "en": "The run waits with nothing left to happen; simulation stops here.",
        "es": "La ejecución espera y no queda nada por ocurrir; la simulación termina aquí.",
    },
}

register(MESSAGES)
