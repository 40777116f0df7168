"""Moved to `testing.engine`: this shim keeps the old import path working (the old name is the new module)."""

import sys

import testing.engine

sys.modules[__name__] = testing.engine
