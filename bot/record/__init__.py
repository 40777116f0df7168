"""The investigation record: the hash-chained timeline, signed evidence bundles, `verify`, the
ICS-214 activity log, and erasure after the retention period that keeps the hashes.

- chain.py: the canonical encoding and the SHA-256 chain (the engine links every timeline entry
  with it, in the same transaction as the entry).
- bundle.py: build and check evidence bundles (Ed25519 signatures).
- signing.py: the signing key (REPORT_SIGNING_KEY, or generated once and kept in Redis).
- ics214.py: the ICS-214-style activity log as a PDF (reportlab).
- erase.py: the worker loop that erases content after `retention_days`.
- cli.py: `python -m bot verify`.
"""

from bot.record.erase import RecordEraser

__all__ = ["RecordEraser"]
