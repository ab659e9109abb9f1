"""A cheap pre-scan of JSON nesting depth, so no parser ever sees deeply nested input.

JSON parsers pay for nesting: ijson's memory grows with the square of the depth (a 200 KB
file of ``[`` took a worker to 23 GB) and ``json.loads`` recurses until ``RecursionError``.
No legitimate vendor report or API body nests more than a few levels, so input nested
deeper than ``MAX_JSON_DEPTH`` is refused before any parser runs.

``JsonDepthScanner`` is fed the bytes in chunks (a stream need not be in memory), keeps
the state of an open string and a pending escape across chunk boundaries, and raises
``JsonTooDeepError`` at the first chunk that goes too deep. It works at C speed: escapes
and everything that is not a quote or bracket are dropped by ``re``/``bytes.translate``,
complete strings are removed by one regex, and only the remaining brackets (about two
per row of a report) are walked in Python. It checks depth only; whether the text is
valid JSON is the parser's business.
"""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 32

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_KEEP = b'"[]{}'
_DROP = bytes(b for b in range(256) if b not in _KEEP)
_OPENERS = frozenset(b"[{")


class JsonTooDeepError(ValueError):
    """The input nests arrays or objects deeper than the limit."""

    def __init__(self, limit: int, offset: int) -> None:
        self.limit = limit
        self.offset = offset  # 0-based
        super().__init__(f"the JSON is nested more than {limit} levels deep (near byte {offset + 1:,})")


class JsonDepthScanner:
    """Feed bytes with ``feed``; raises ``JsonTooDeepError`` once the nesting passes ``limit``.

    ``depth`` is the nesting level outside strings after the bytes fed so far. ``feed``
    also tells whether the chunk touched the top level of the document (depth 1 or less,
    outside a string): a chunk that did not lies wholly inside one element, which readers
    use to bound the size of one element.
    """

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        self.limit = limit
        self.depth = 0
        self.offset = 0  # bytes fed so far
        self._in_string = False
        self._carry = b""  # a trailing run of backslashes, whose pairing the next chunk decides

    def feed(self, chunk: bytes) -> bool:
        """Scan ``chunk``; returns whether the top level (depth ≤ 1, outside a string) was reached."""
        data = self._carry + chunk
        start_offset = self.offset - len(self._carry)
        self.offset += len(chunk)
        stripped = data.rstrip(b"\\")
        self._carry = data[len(stripped) :]
        reached_top = not self._in_string and self.depth <= 1
        state = (self._in_string, self.depth, self.limit)
        reduced = _ESCAPE.sub(b"", stripped).translate(None, _DROP)
        if self._in_string:
            end = reduced.find(b'"')
            if end < 0:
                return reached_top
            reduced = reduced[end + 1 :]
            self._in_string = False
            reached_top = reached_top or self.depth <= 1
        outside, quote, _ = _STRING.sub(b"", reduced).partition(b'"')
        self._in_string = bool(quote)
        depth, limit = self.depth, self.limit
        for byte in outside:
            if byte in _OPENERS:
                depth += 1
                if depth > limit:
                    raise JsonTooDeepError(limit, start_offset + _offset_too_deep(data, state))
            else:
                depth -= 1
                if depth <= 1:
                    reached_top = True
        self.depth = depth
        return reached_top or (not self._in_string and depth <= 1)


def _offset_too_deep(data: bytes, state: tuple[bool, int, int]) -> int:
    """Where in ``data`` the nesting passed the limit: a plain byte-by-byte walk, run only
    on the way to refusing the input, for the message."""
    in_string, depth, limit = state
    escaped = False
    for offset, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            if depth > limit:
                return offset
        elif byte in b"]}":
            depth -= 1
    return len(data)


def check_json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``JsonTooDeepError`` when ``data`` (a whole JSON text) nests deeper than ``limit``."""
    JsonDepthScanner(limit).feed(data)
