"""Moved to `testing.cluster`: this shim keeps the old import path working (the old name is the new module)."""

import sys

import testing.cluster

sys.modules[__name__] = testing.cluster
