"""The waiting helpers say what they waited on."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from testing.waiting import bounded, wait_for

ROOT = Path(__file__).resolve().parents[2]


async def test_wait_for_names_what_it_waited_on_and_the_last_value():
    values = iter([0, 0, 3])
    assert await wait_for(lambda: next(values), 1, what="three") == 3

    async def empty():
        return []

    with pytest.raises(TimeoutError, match="the queue to drain; the condition last gave \\[\\]"):
        await wait_for(empty, 0.05, what="the queue to drain")


async def test_bounded_names_the_step():
    with pytest.raises(TimeoutError, match="the fake's shutdown did not finish within 0.05s"):
        await bounded(asyncio.Event().wait(), 0.05, what="the fake's shutdown")


def test_a_timed_out_asyncio_test_lists_the_awaits(tmp_path):
    hung = tmp_path / "test_hung.py"
    hung.write_text(
        "import asyncio\n\n"
        "async def never_answers():\n    await asyncio.Event().wait()\n\n"
        "async def test_hangs():\n    await asyncio.gather(asyncio.create_task(never_answers(), name='fake-reply'))\n"
    )
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom tests.conftest import *  # noqa\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--timeout=2",
            "-o",
            "asyncio_mode=auto",
            str(hung),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    report = result.stdout + result.stderr
    assert "test_hangs timed out after 2.0s; it was waiting on:" in report
    assert "fake-reply" in report and "in never_answers" in report
