"""The telephone alarm: who to call, when, and what a keypad press means.

An `ack` step with `call: true` that is overdue rings the phones of its role, one person at a time
in the config's order, then, when it escalates, the escalation role's phones (plan.py, pure); the
service (service.py) keeps each plan in Redis and places calls through a `Dialer` that the Twilio
edge (handlers/twilio) provides. Twilio's callbacks are queued by `CallbackInbox` (inbound.py)
before the edge answers. The core never imports twilio.

Drills: a drill calls nobody and says in its rooms whom it would have rung, unless it was started
with `/playbook drill ID calls=yes`; then every call and SMS says first that it is an exercise.
"""

from bot.alarm import messages as _messages  # noqa: F401  (registers the texts)
from bot.alarm.inbound import CallbackInbox
from bot.alarm.plan import CallPlan
from bot.alarm.service import Alarm, AlarmWakeups, Dialer, DialError, calls_enabled, plan_id, spell

__all__ = [
    "Alarm",
    "AlarmWakeups",
    "CallPlan",
    "CallbackInbox",
    "DialError",
    "Dialer",
    "calls_enabled",
    "plan_id",
    "spell",
]
