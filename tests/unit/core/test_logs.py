import json
import logging

import pytest

from bot.logs import Scrubber, setup_logging


@pytest.fixture(autouse=True)
def _restore_root_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_tokens_never_reach_the_logs(capsys):
    setup_logging("INFO", "json", secrets=["s3cr3t-signing-value"])
    log = logging.getLogger("httpx")
    log.warning(
        'HTTP Request: POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage "HTTP/1.1 200 OK"'
    )
    logging.getLogger("bot").error("slack said %s with %s", "xoxb-1234567890-abcdefghij", "s3cr3t-signing-value")
    logging.getLogger("bot").info("redis at redis://user:hunter2@db:6379/0")
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.strip().splitlines()]
    text = json.dumps(lines)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in text
    assert "xoxb-1234567890" not in text and "s3cr3t-signing-value" not in text and "hunter2" not in text
    assert len(lines) == 3 and all(line["msg"] for line in lines)


def test_scrubber_leaves_plain_text_alone():
    assert Scrubber().scrub("Bridge of the Americas closed at 12:00") == "Bridge of the Americas closed at 12:00"
