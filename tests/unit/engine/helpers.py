"""Moved to `testing.playbooks`: this shim keeps the old import path working (the old name is the new module)."""

import sys

import testing.playbooks

sys.modules[__name__] = testing.playbooks
