"""What people get out of the record: the ICS-214 PDF (read back with poppler) and the
`report --format bundle|pdf` and `verify` commands, run as the operators run them."""

from __future__ import annotations

import asyncio
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.engine.evidence import incident_pdf
from bot.record.signing import private_pem, public_pem
from bot.store import keys
from testing.deployments import ICS214_AGENCIES, NOGALES_ICS214, data
from testing.engine import US, command, handle
from testing.record import PLAYBOOKS, bomb_threat_drill

ROOT = Path(__file__).resolve().parents[3]


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


async def test_the_ics214_of_a_bomb_threat_drill_reads_as_the_form(redis_client, tmp_path):
    core, engine, clock, incident = await bomb_threat_drill(redis_client, close=False)
    clock.advance(30)
    await handle(core, command(US, "UBOB", "/sitrep <b>Lane 3</b> & booth 7 cleared"))
    clock.advance(60)
    await handle(core, command(US, "UANA", "/incident close all clear"))
    head = json.loads(await redis_client.lindex(keys.incident_timeline(incident), -1))["hash"]

    pdf = tmp_path / "ics214-en.pdf"
    pdf.write_bytes(await incident_pdf(engine, incident, "en"))
    text = pdftotext(pdf)
    flat = " ".join(text.split())
    for expected in (
        "ACTIVITY LOG (ICS 214)",
        "EXERCISE",
        "1. Incident Name",
        "Bomb threat",
        "Incident Number",
        "NOG-0001",
        "2. Operational Period",
        "2026-07-01 12:00:00 UTC",
        "2026-07-01 05:00:00 MST",  # Nogales, AZ and Nogales, Son. both keep MST in July
        "3. Name",
        "Ana Coord",
        "4. ICS Position",
        "coordinator",
        "5. Home Agency",
        ICS214_AGENCIES["Ana Coord"][1],
        "6. Resources Assigned",
        ICS214_AGENCIES["Luis Enlace"][1],
        "liaison officer",
        "7. Activity Log",
        "Notable Activities",
        'Caller said "lane 3, noon"',
        "<b>Lane 3</b> & booth 7 cleared",  # people's words as written, not as markup
        "Acknowledged ack-mx",
        "Closed the incident",
        "Record sealed",
        "8. Prepared by",
        head[:40],
    ):
        assert expected in flat, expected
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "612 x 792 pts (letter)" in pages

    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert png_size(next(tmp_path.glob("page*.png"))) == (510, 660)  # US Letter at 60 dpi

    es = tmp_path / "ics214-es.pdf"
    es.write_bytes(await incident_pdf(engine, incident, "es"))
    flat_es = " ".join(pdftotext(es).split())
    for expected in (
        "REGISTRO DE ACTIVIDADES (ICS 214)",
        "EJERCICIO",
        "1. Nombre del incidente",
        "Amenaza de bomba",
        "enlace",  # the role as Spanish-speaking officers name it (review S-M13)
        "7. Registro de actividades",
        "Registro sellado",
    ):
        assert expected in flat_es, expected


def _env(tmp_path: Path, redis_url: str, **more) -> dict:
    config = tmp_path / "blm.yaml"
    config.write_text(yaml.safe_dump(data(NOGALES_ICS214), allow_unicode=True))
    return {
        "PATH": os.environ["PATH"],
        "REDIS_URL": redis_url,
        "BLM_CONFIG": str(config),
        "PLAYBOOKS_DIR": str(PLAYBOOKS),
        **more,
    }


def bot(*args: str, env: dict, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, timeout=60)


async def test_report_and_verify_on_the_command_line(redis_client, engine_redis_url, tmp_path):
    await bomb_threat_drill(redis_client)
    env = _env(tmp_path, engine_redis_url)

    made = await asyncio.to_thread(bot, "report", "nog-0001", "--format", "bundle", env=env)
    assert made.returncode == 0, made.stderr.decode()
    path = tmp_path / "NOG-0001.json"
    path.write_bytes(made.stdout)
    document = json.loads(made.stdout)

    checked = await asyncio.to_thread(bot, "verify", str(path), env={"PATH": os.environ["PATH"]})  # no Redis
    out = checked.stdout.decode()
    assert checked.returncode == 0, out + checked.stderr.decode()
    assert "OK: evidence bundle of NOG-0001 is intact." in out
    assert f"Entries: {len(document['entries'])}" in out and document["head"]["hash"] in out

    printed = await asyncio.to_thread(bot, "verify", "--public-key", env=env)
    assert printed.returncode == 0 and printed.stdout.decode() == document["public_key"]
    ours = tmp_path / "ours.pem"
    ours.write_bytes(printed.stdout)
    other = tmp_path / "other.pem"
    other.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    expected = await asyncio.to_thread(bot, "verify", str(path), "--key", str(ours), env=env)
    assert expected.returncode == 0 and "the expected one" in expected.stdout.decode()
    wrong = await asyncio.to_thread(bot, "verify", str(path), "--key", str(other), "--lang", "es", env=env)
    assert wrong.returncode == 1 and "OTRA clave" in wrong.stdout.decode()

    entry = document["entries"][4]
    tampered = json.loads(json.dumps(document))
    tampered["entries"][4]["content"]["who"] = entry["content"]["who"] + "."
    path.write_text(json.dumps(tampered))
    failed = await asyncio.to_thread(bot, "verify", str(path), env=env)
    out = failed.stdout.decode()
    assert failed.returncode == 1
    assert f"Entry 5 ({entry['at']}): its content does not match its hash" in out
    assert "Signature: does NOT match" in out

    pdf = await asyncio.to_thread(bot, "report", "NOG-0001", "--format", "pdf", "--lang", "es", env=env)
    assert pdf.returncode == 0 and pdf.stdout.startswith(b"%PDF-")
    missing = await asyncio.to_thread(bot, "report", "NOG-0999", "--format", "bundle", env=env)
    assert missing.returncode == 1 and b"no incident NOG-0999" in missing.stderr


async def test_a_key_file_signs_when_given(redis_client, engine_redis_url, tmp_path):
    await bomb_threat_drill(redis_client)
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "signing.pem"
    key_file.write_bytes(private_pem(key))
    env = _env(tmp_path, engine_redis_url, REPORT_SIGNING_KEY=str(key_file))
    made = await asyncio.to_thread(bot, "report", "NOG-0001", "--format", "bundle", env=env)
    assert made.returncode == 0, made.stderr.decode()
    assert json.loads(made.stdout)["public_key"] == public_pem(key.public_key())
    assert await redis_client.get(keys.RECORD_SIGNING_KEY) is None  # nothing generated
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    refused = await asyncio.to_thread(
        bot, "report", "NOG-0001", "--format", "bundle", env={**env, "REPORT_SIGNING_KEY": str(broken)}
    )
    assert refused.returncode == 2 and b"not an unencrypted PEM private key" in refused.stderr
    assert b"not a key" not in refused.stderr
