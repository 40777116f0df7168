"""Moved to `testing.harness`: this shim keeps the old import path working (the old name is the new module)."""

import sys

import testing.harness

sys.modules[__name__] = testing.harness
