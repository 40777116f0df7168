"""The telephone alarm and the engine are wired when they are built (`Runtime.build`): the engine
takes the alarm's wake-ups as a transition listener at construction, and nothing adds a listener
to it afterwards (an Alarm built on an engine leaves the engine as it was)."""

from __future__ import annotations

import pytest

from bot.alarm import Alarm, AlarmWakeups
from bot.alarm.simulated import SimulatedDialer
from bot.clock import ManualClock
from bot.config import Settings
from testing.alarm import PUBLIC_URL
from testing.bot import build_bot


@pytest.mark.parametrize("with_phone", [True, False])
def test_the_engine_is_built_with_the_alarms_wakeups_and_nothing_adds_one_later(with_phone):
    clock = ManualClock(1_000_000.0)
    dialer = SimulatedDialer(clock) if with_phone else None
    settings = Settings(_env_file=None, redis_url=None, public_url=PUBLIC_URL)
    rt = build_bot(settings=settings, clock=clock, dialer=dialer)
    engine = rt.engine.engine
    (listener,) = engine.transition_listeners
    wakeups = listener.__self__
    assert isinstance(wakeups, AlarmWakeups)
    assert wakeups.enabled is rt.alarm.enabled is with_phone  # one rule for both halves
    assert wakeups.retention == rt.alarm.retention
    assert isinstance(engine.transition_listeners, tuple)  # fixed at construction: no append
    Alarm(rt.redis, clock, engine, public_url=PUBLIC_URL, dialer=dialer)
    assert engine.transition_listeners == (listener,)
