from bot.simulate import simulate
from testing.playbooks import FIXTURES

PB = str(FIXTURES / "drill-basic.yaml")


def test_simulate_without_ack_escalates_to_central():
    text = simulate(PB, blm="nogales", answers={"where": "lane 3", "evacuate": "no"}, ack="none")
    assert text.startswith("Simulation of drill-basic v3")
    assert "2026-07-01 12:00:00 UTC" in text and "05:00:00 MST" in text
    assert "REMINDER 1/2" in text and "REMINDER 2/2" in text
    assert "!! → central slack (en): ESCALATION NOG-0001" in text
    assert "Shelter in place" in text


def test_simulate_with_ack_runs_to_the_end_in_spanish():
    text = simulate(PB, blm="juarez", answers={"where": "carril 3", "evacuate": "yes"}, ack="all", lang="es")
    assert "ESCALAMIENTO" not in text and "ELP-0001" in text
    assert "Pasos completos: carril 3." in text
    assert "Fin de la simulación" in text


def test_simulate_stops_at_an_unanswered_question():
    text = simulate(PB, blm="nogales")
    assert "--answer where=TEXT" in text
