"""Texts of the core: help, language, refusals, notices."""

from bot.i18n.catalog import register

MESSAGES = {
    "help.title": {"en": "What you can do here", "es": "Lo que puede hacer aquí"},
    "help.intro.blm": {
        "en": "This room is the {blm} Border Liaison Mechanism, bridged between Slack and Telegram. Your role: {role}.",
        "es": "Esta sala es el Mecanismo de Enlace Fronterizo {blm}, conectada entre Slack y Telegram. Su función: {role}.",
    },
    "help.intro.central": {
        "en": "This is the central room (Washington – Mexico City). Your role: {role}. Commands that act on a BLM take blm=<id>.",
        "es": "Esta es la sala central (Washington – Ciudad de México). Su función: {role}. Los comandos sobre un mecanismo llevan blm=<id>.",
    },
    "help.intro.private": {
        "en": "This is your private chat with the Border Liaison bot. Your role: {role}.",
        "es": "Este es su chat privado con el bot de Enlace Fronterizo. Su función: {role}.",
    },
    "help.footer": {
        "en": "Buttons on the bot's posts work like the commands. Change language: /lang es",
        "es": "Los botones de los mensajes del bot funcionan igual que los comandos. Cambiar idioma: /lang en",
    },
    "role.member": {"en": "member", "es": "integrante"},
    "role.liaison": {"en": "liaison officer", "es": "enlace"},  # review S-M13
    "role.coordinator": {"en": "coordinator", "es": "coordinación"},  # review S-M12
    "role.central": {"en": "central coordinator", "es": "coordinación central"},
    "cmd.help": {"en": "what you may do here", "es": "lo que puede hacer aquí"},
    "cmd.start": {"en": "greeting and help", "es": "saludo y ayuda"},
    "cmd.lang": {"en": "your language: /lang en or /lang es", "es": "su idioma: /lang en o /lang es"},
    "cmd.playbook_list": {"en": "playbooks available", "es": "protocolos disponibles"},
    "cmd.playbook_run": {"en": "start an incident from a playbook", "es": "iniciar un incidente con un protocolo"},
    "cmd.playbook_drill": {"en": "run a playbook as an exercise", "es": "ejecutar un protocolo como simulacro"},
    "cmd.playbook_abort": {"en": "end a playbook run", "es": "terminar la ejecución de un protocolo"},
    "cmd.incident_list": {"en": "open incidents of this BLM", "es": "incidentes abiertos de este mecanismo"},
    "cmd.incident_show": {"en": "one incident's state", "es": "estado de un incidente"},
    "cmd.incident_close": {"en": "close an incident", "es": "cerrar un incidente"},
    "cmd.incident_report": {"en": "after-action report", "es": "informe posterior al incidente"},
    "cmd.ack": {"en": "acknowledge the step waiting for it", "es": "confirmar el paso pendiente"},
    "cmd.checklist": {"en": "post the live checklist again", "es": "volver a publicar la lista de verificación"},
    "cmd.advisory": {"en": "active advisories for this BLM", "es": "avisos vigentes de este mecanismo"},
    "cmd.advisory_post": {"en": "post an advisory to both sides", "es": "publicar un aviso a ambos lados"},
    "cmd.sitrep": {"en": "situation report to the central room", "es": "reporte de situación a la sala central"},
    "cmd.contacts": {"en": "this BLM's people and roles", "es": "personas y funciones de este mecanismo"},
    "lang.set": {"en": "Language set to English.", "es": "Idioma cambiado a español."},
    "lang.usage": {"en": "Use /lang en or /lang es.", "es": "Use /lang en o /lang es."},
    "start.greeting": {
        "en": "Hello {name}. I am the Border Liaison bot: I bridge each BLM's Slack channel and Telegram group and run the agreed emergency playbooks.",
        "es": "Hola {name}. Soy el bot de Enlace Fronterizo: conecto el canal de Slack y el grupo de Telegram de cada mecanismo y ejecuto los protocolos de emergencia acordados.",
    },
    "refuse.unknown_command": {
        "en": "Unknown command /{command}.{suggestion} Type /help for what you may do here.",
        "es": "Comando desconocido /{command}.{suggestion} Escriba /help para ver lo que puede hacer aquí.",
    },
    "refuse.did_you_mean": {"en": " Did you mean {options}?", "es": " ¿Quiso decir {options}?"},
    "refuse.role": {
        "en": "/{command} needs the role {needed}; yours here is {role}. Ask a coordinator of this BLM.",
        "es": "/{command} requiere la función {needed}; la suya aquí es {role}. Pida apoyo a la coordinación de este mecanismo.",
    },
    "refuse.not_here": {
        "en": "/{command} works in a BLM room or the central room, not here.",
        "es": "/{command} funciona en la sala de un mecanismo o en la sala central, no aquí.",
    },
    "refuse.bad_argument": {"en": "Cannot read that: {problem}", "es": "No se pudo interpretar: {problem}"},
    "notice.unconfigured_room": {
        "en": "This chat is not configured for the Border Liaison bot, so nothing here is relayed or acted on. An operator adds it to the deployment file.",
        "es": "Este chat no está configurado para el bot de Enlace Fronterizo: aquí no se retransmite ni se atiende nada. Un operador debe agregarlo al archivo de despliegue.",
    },
    "notice.delivery_failed": {
        "en": "Messages can no longer be delivered to the {platform} room of {blm} ({reason}). An operator must check the bot there.",
        "es": "Ya no se pueden entregar mensajes a la sala de {platform} de {blm} ({reason}). Un operador debe revisar el bot en esa sala.",
    },
    "notice.set_aside": {
        "en": "⚠️ A message for this room{who} could not be delivered and was set aside for an operator ({reason}). The messages after it follow.",
        "es": "⚠️ Un mensaje para esta sala{who} no se pudo entregar y quedó apartado para un operador ({reason}). Los mensajes siguientes continúan.",
    },
    "private.open_bot": {
        "en": "I answer privately: open a chat with {bot}, press Start, and ask again.",
        "es": "Respondo en privado: abra un chat con {bot}, pulse Iniciar y vuelva a preguntar.",
    },
    "menu.playbook": {
        "en": "playbooks: list, run, drill, abort",
        "es": "protocolos: listar, ejecutar, simulacro, terminar",
    },
    "menu.incident": {"en": "incidents: list, show, close, report", "es": "incidentes: listar, ver, cerrar, informe"},
    "menu.advisory": {"en": "advisories: active ones, or post one", "es": "avisos: vigentes, o publicar uno"},
    "exercise.banner": {
        "en": "EXERCISE",
        "es": "SIMULACRO (EJERCICIO)",
    },  # review S-M5: Protección Civil says simulacro; PRODUCT.md marks drills EJERCICIO
}

register(MESSAGES)
