"""Texts of the investigation record (anchors, verify, the ICS-214 activity log), English and Spanish."""

from bot.i18n import register

MESSAGES = {
    # the head posted when an incident closes
    "record.anchor.title": {
        "en": "{incident}: record sealed",
        "es": "{incident}: registro sellado",
    },
    "record.anchor.text": {
        "en": "At closing, the timeline of {incident} has {count} entries. Its hash-chain head is:\n{head}\n"
        "Keep this message: anyone can check an evidence bundle of {incident} against it.",
        "es": "Al cerrar, la bitácora de {incident} tiene {count} entradas. La cabeza de su cadena de hashes es:\n{head}\n"
        "Conserve este mensaje: cualquiera puede comprobar con él un paquete de evidencia de {incident}.",
    },
    # timeline sentences (bot/engine/report.describe reads engine.ev.<kind>)
    "engine.ev.anchor": {
        "en": "Record sealed: head of the {count} entries before this one posted to the rooms: {head}",
        "es": "Registro sellado: cabeza de las {count} entradas anteriores publicada en las salas: {head}",
    },
    "engine.ev.erasure": {
        "en": "Content of {entries} entries erased after the retention period ({retention_days} days); their hashes are kept",
        "es": "Contenido de {entries} entradas borrado al vencer el plazo de conservación ({retention_days} días); se conservan sus hashes",
    },
    "engine.ev.erased": {
        "en": "(content erased after the retention period)",
        "es": "(contenido borrado al vencer el plazo de conservación)",
    },
    # verify
    "record.verify.ok": {
        "en": "OK: evidence bundle of {incident} is intact.",
        "es": "OK: el paquete de evidencia de {incident} está íntegro.",
    },
    "record.verify.failed": {
        "en": "FAILED: evidence bundle of {incident} does not verify.",
        "es": "FALLÓ: el paquete de evidencia de {incident} no se verifica.",
    },
    "record.verify.entries": {
        "en": "Entries: {count} ({first} to {last}), each linked to the one before by SHA-256.",
        "es": "Entradas: {count} (de {first} a {last}), cada una enlazada a la anterior con SHA-256.",
    },
    "record.verify.head_line": {"en": "Head: {head}", "es": "Cabeza: {head}"},
    "record.verify.erased_line": {
        "en": "Erased: the content of {count} entries was removed after the retention period; their hashes still verify.",
        "es": "Borradas: se eliminó el contenido de {count} entradas al vencer el plazo de conservación; sus hashes se siguen verificando.",
    },
    "record.verify.erasure_line": {
        "en": "Erasure recorded at entry {position} ({at}): {entries} entries.",
        "es": "Borrado registrado en la entrada {position} ({at}): {entries} entradas.",
    },
    "record.verify.anchor_line": {
        "en": "Anchor at entry {position}: head of entries 1–{count} posted at closing: {head}",
        "es": "Ancla en la entrada {position}: cabeza de las entradas 1–{count} publicada al cerrar: {head}",
    },
    "record.verify.signature_ok": {
        "en": "Signature: valid Ed25519, key {fingerprint}.",
        "es": "Firma: Ed25519 válida, clave {fingerprint}.",
    },
    "record.verify.signature_bad": {
        "en": "Signature: does NOT match the bundle's content (key {fingerprint}): it was changed after signing.",
        "es": "Firma: NO corresponde al contenido del paquete (clave {fingerprint}): se modificó después de firmarlo.",
    },
    "record.verify.key_expected": {
        "en": "Key: the expected one ({fingerprint}).",
        "es": "Clave: la esperada ({fingerprint}).",
    },
    "record.verify.key_other": {
        "en": "Key: signed by ANOTHER key ({fingerprint}), not the expected one ({expected}).",
        "es": "Clave: firmado con OTRA clave ({fingerprint}), no con la esperada ({expected}).",
    },
    "record.verify.key_unchecked": {
        "en": "Key: not compared with an expected key (give the other side's public key with --key).",
        "es": "Clave: no se comparó con una clave esperada (indique la clave pública con --key).",
    },
    "record.verify.entry": {
        "en": "Entry {position} ({at}): {reason}",
        "es": "Entrada {position} ({at}): {reason}",
    },
    "record.verify.malformed": {
        "en": "it lacks its number, time, content hash or hash.",
        "es": "le falta su número, hora, hash del contenido o hash.",
    },
    "record.verify.extra_field": {
        "en": "it has fields no entry has ({fields}).",
        "es": "tiene campos que ninguna entrada tiene ({fields}).",
    },
    "record.verify.numbered": {
        "en": "it is numbered {n}: an entry before it was removed, or entries were reordered.",
        "es": "lleva el número {n}: se quitó una entrada anterior o se cambió el orden.",
    },
    "record.verify.content": {
        "en": "its content does not match its hash: it was changed.",
        "es": "su contenido no corresponde a su hash: fue modificado.",
    },
    "record.verify.time": {
        "en": "its time does not match its content: it was changed.",
        "es": "su hora no corresponde a su contenido: fue modificada.",
    },
    "record.verify.link": {
        "en": "it does not follow the entry before it (hash chain broken): it was changed, inserted or moved.",
        "es": "no sigue a la entrada anterior (cadena de hashes rota): fue modificada, insertada o movida.",
    },
    "record.verify.missing_end": {
        "en": "missing: the head counts {count} entries; the last ones were removed.",
        "es": "falta: la cabeza cuenta {count} entradas; se quitaron las últimas.",
    },
    "record.verify.head": {
        "en": "it is not the head the bundle names: entries were removed or added at the end.",
        "es": "no es la cabeza que indica el paquete: se quitaron o agregaron entradas al final.",
    },
    "record.verify.anchor": {
        "en": "it records a head posted at closing that does not match entry {count}.",
        "es": "registra una cabeza publicada al cerrar que no corresponde a la entrada {count}.",
    },
    "record.verify.not_bundle": {
        "en": "not an evidence bundle (format blm-evidence-bundle/1).",
        "es": "no es un paquete de evidencia (formato blm-evidence-bundle/1).",
    },
    "record.verify.no_signature": {
        "en": "the bundle has no readable public key or signature.",
        "es": "el paquete no tiene una clave pública o una firma legibles.",
    },
    # the ICS-214-style activity log
    "record.ics.title": {"en": "ACTIVITY LOG (ICS 214)", "es": "REGISTRO DE ACTIVIDADES (ICS 214)"},
    "record.ics.incident_name": {"en": "1. Incident Name", "es": "1. Nombre del incidente"},
    "record.ics.incident_number": {"en": "Incident Number", "es": "Número del incidente"},
    "record.ics.period": {"en": "2. Operational Period", "es": "2. Periodo operacional"},
    "record.ics.from": {"en": "From", "es": "Desde"},
    "record.ics.to": {"en": "To", "es": "Hasta"},
    "record.ics.open": {"en": "(still open: draft)", "es": "(aún abierto: borrador)"},
    "record.ics.name": {"en": "3. Name", "es": "3. Nombre"},
    "record.ics.position": {"en": "4. ICS Position", "es": "4. Cargo ICS"},
    "record.ics.agency": {"en": "5. Home Agency (and Unit)", "es": "5. Dependencia (y unidad)"},
    "record.ics.resources": {"en": "6. Resources Assigned", "es": "6. Recursos asignados"},
    "record.ics.log": {"en": "7. Activity Log", "es": "7. Registro de actividades"},
    "record.ics.col_utc": {"en": "Date/Time UTC", "es": "Fecha/hora UTC"},
    "record.ics.col_activity": {"en": "Notable Activities", "es": "Actividades relevantes"},
    "record.ics.prepared": {"en": "8. Prepared by", "es": "8. Elaborado por"},
    "record.ics.prepared_by": {
        "en": "Border Liaison bot, from the incident's hash-chained timeline, {when}",
        "es": "Bot de Enlace Fronterizo, a partir de la bitácora encadenada del incidente, {when}",
    },
    "record.ics.integrity": {
        "en": "Record: {count} entries, SHA-256 chain head {head}",
        "es": "Registro: {count} entradas, cabeza de la cadena SHA-256 {head}",
    },
    "record.ics.page": {"en": "ICS 214 · {incident} · page {page}", "es": "ICS 214 · {incident} · página {page}"},
    "record.ics.blm": {"en": "Border Liaison Mechanism", "es": "Mecanismo de Enlace Fronterizo"},
    "record.ics.unknown_person": {"en": "(not in the directory)", "es": "(no está en el directorio)"},
    "record.ics.bot": {"en": "automated record", "es": "registro automático"},
    "record.ics.erased": {
        "en": "Content of this incident was erased after the retention period; only the hashes remain.",
        "es": "El contenido de este incidente se borró al vencer el plazo de conservación; solo quedan los hashes.",
    },
    # the CLI
    "record.cli.pdf_tty": {
        "en": "report: the PDF is binary; redirect it to a file: python -m bot report {incident} --format pdf > {incident}.pdf",
        "es": "report: el PDF es binario; rediríjalo a un archivo: python -m bot report {incident} --format pdf > {incident}.pdf",
    },
}

register(MESSAGES)
