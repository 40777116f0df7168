"""Block Kit limits as Slack's Web API enforces them (``invalid_blocks``).

Imitates the documented limits: at most 50 blocks a message; section text 3,000 chars,
up to 10 fields of 2,000; header text 150; actions block 25 elements; context 10
elements; button text 75, ``action_id`` 255, ``value`` 2,000, ``url`` 3,000; checkboxes
and radio buttons 10 options, option text 75, option value 150; selects 100 options;
``block_id`` 255 and unique per message; ``action_id`` unique within a block.
Slack answers ``{"ok": false, "error": "invalid_blocks", "errors": [...]}`` with
JSON-pointer messages; ``validate_blocks`` returns that ``errors`` list (empty = valid).
"""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = 50
KNOWN_BLOCKS = {
    "section",
    "header",
    "divider",
    "actions",
    "context",
    "input",
    "image",
    "rich_text",
    "file",
    "video",
    "markdown",
    "table",
}
OPTION_LIMITS = {  # element type -> (max options, option text, option value)
    "checkboxes": (10, 75, 150),
    "radio_buttons": (10, 75, 150),
    "static_select": (100, 75, 150),
    "multi_static_select": (100, 75, 150),
    "overflow": (5, 75, 150),
}


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if value is not None and len(str(value)) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer)

    def element(self, el: Any, ptr: str) -> None:
        if not isinstance(el, dict) or "type" not in el:
            self.fail("must provide an object with a type", ptr)
            return
        kind = el["type"]
        self.max_len(el.get("action_id"), 255, f"{ptr}/action_id")
        if kind == "button":
            if "text" not in el:
                self.fail("must contain field 'text'", ptr)
            self.max_len(_text_of(el.get("text")), 75, f"{ptr}/text/text")
            self.max_len(el.get("value"), 2000, f"{ptr}/value")
            self.max_len(el.get("url"), 3000, f"{ptr}/url")
        if kind in OPTION_LIMITS:
            max_opts, text_len, value_len = OPTION_LIMITS[kind]
            options = el.get("options") or []
            if len(options) > max_opts:
                self.fail(f"must provide no more than {max_opts} items", f"{ptr}/options")
            for i, opt in enumerate(options):
                self.max_len(_text_of(opt.get("text")), text_len, f"{ptr}/options/{i}/text/text")
                self.max_len(opt.get("value"), value_len, f"{ptr}/options/{i}/value")

    def block(self, block: Any, ptr: str, seen_block_ids: set) -> None:
        if not isinstance(block, dict) or "type" not in block:
            self.fail("must provide an object with a type", ptr)
            return
        kind = block["type"]
        if kind not in KNOWN_BLOCKS:
            self.fail(f"unsupported type: {kind}", f"{ptr}/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            self.max_len(block_id, 255, f"{ptr}/block_id")
            if block_id in seen_block_ids:
                self.fail("duplicate block_id", f"{ptr}/block_id")
            seen_block_ids.add(block_id)
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail("must contain either 'text' or 'fields'", ptr)
            self.max_len(_text_of(block.get("text")), 3000, f"{ptr}/text/text")
            fields = block.get("fields") or []
            if len(fields) > 10:
                self.fail("must provide no more than 10 items", f"{ptr}/fields")
            for i, f in enumerate(fields):
                self.max_len(_text_of(f), 2000, f"{ptr}/fields/{i}/text")
            if "accessory" in block:
                self.element(block["accessory"], f"{ptr}/accessory")
        elif kind == "header":
            self.max_len(_text_of(block.get("text")), 150, f"{ptr}/text/text")
        elif kind in ("actions", "context"):
            elements = block.get("elements") or []
            limit = 25 if kind == "actions" else 10
            if not elements:
                self.fail("must provide at least 1 items", f"{ptr}/elements")
            if len(elements) > limit:
                self.fail(f"must provide no more than {limit} items", f"{ptr}/elements")
            action_ids: set = set()
            for i, el in enumerate(elements):
                if kind == "actions":
                    self.element(el, f"{ptr}/elements/{i}")
                    aid = el.get("action_id") if isinstance(el, dict) else None
                    if aid is not None:
                        if aid in action_ids:
                            self.fail("duplicate action_id", f"{ptr}/elements/{i}/action_id")
                        action_ids.add(aid)
        elif kind == "input":
            self.max_len(_text_of(block.get("label")), 2000, f"{ptr}/label/text")
            if "element" in block:
                self.element(block["element"], f"{ptr}/element")


def validate_blocks(blocks: Any) -> list[str]:
    """Errors Slack would list for these blocks; an empty list means accepted."""
    checker = _Checker()
    if not isinstance(blocks, list):
        checker.fail("must provide an array", "/blocks")
        return checker.errors
    if len(blocks) > MAX_BLOCKS:
        checker.fail(f"must provide no more than {MAX_BLOCKS} items", "/blocks")
    seen: set = set()
    for i, block in enumerate(blocks):
        checker.block(block, f"/blocks/{i}", seen)
    return checker.errors
