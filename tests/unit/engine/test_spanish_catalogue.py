"""The catalogue's Spanish as the domain review (§3) asked: official terms, one register, no ids."""

from __future__ import annotations

from bot.advisories import messages as _adv  # noqa: F401  (registers the advisory texts)
from bot.engine.report import describe
from bot.engine.state import Event
from bot.i18n import t


def test_s_m15_report_names_the_role_not_its_id():
    reminder = Event(at=0, kind="reminder", who="bot", step="ack-mx", detail={"attempt": 1, "role": "liaison"})
    assert describe(reminder, "es") == "Recordatorio 1 de ack-mx; se mencionó a: enlace"
    assert describe(reminder, "en") == "Reminder 1 for ack-mx; named: liaison officer"
    escalation = Event(at=0, kind="escalation", who="bot", step="ack-mx", detail={"to": ["central"], "role": "central"})
    assert describe(escalation, "es") == "Escaló ack-mx a central; se mencionó a: coordinación central"


def test_s_m5_simulacro_for_a_drill():
    assert t("exercise.banner", "es") == "SIMULACRO (EJERCICIO)"  # both the review's word and the spec's
    assert t("engine.run.started_drill", "es", incident="NOG-0001", title="x") == "NOG-0001: simulacro iniciado: x"
    assert t("engine.inc.drill", "es") == "(simulacro) " and t("engine.report.exercise", "es") == "Simulacro"


def test_s_m12_s_m13_functional_role_names():
    assert t("role.coordinator", "es") == "coordinación" and t("role.liaison", "es") == "enlace"
    assert "Pida apoyo a la coordinación de este mecanismo." in t(
        "refuse.role", "es", command="x", needed="a", role="b"
    )


def test_s_m14_s_l16_s_m6_checklist_question_and_ack_wording():
    assert t("engine.chk.progress", "es", incident="NOG-0001", done=0, total=5) == (
        "Lista de verificación de NOG-0001: 0 de 5 completados. Marque cada punto al completarlo."
    )
    assert t("engine.ask.hint_choices", "es") == "Seleccione una respuesta o responda a este mensaje."
    assert t("engine.ack.title", "es", incident="NOG-0001", minutes=3).startswith("NOG-0001: confirmen la recepción")


def test_s_l17_conectada_not_enlazada():
    assert "conectada entre Slack y Telegram" in t("help.intro.blm", "es", blm="x", role="y")
    assert "conecto el canal de Slack" in t("start.greeting", "es", name="Ana")


def test_s_m1_s_m2_nws_name_and_alert_title():
    assert t("adv.source.nws", "es") == "Servicio Meteorológico Nacional de Estados Unidos (NWS)"
    assert t("adv.title", "es", event="x") == "Alerta meteorológica: x"
    assert t("adv.title", "en", event="x") == "Weather alert: x"


def test_values_given_per_language_are_shown_in_the_readers_language():
    values = {"options": {"en": "Yes; No", "es": "Sí; No"}}
    assert t("engine.refuse.bad_choice", "es", **values) == "Responda con una de estas opciones: Sí; No."
    assert t("engine.refuse.bad_choice", "en", **values) == "Answer with one of: Yes; No."
