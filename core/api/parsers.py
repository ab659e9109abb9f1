"""The API's JSON parser: refuses bodies nested too deeply before ``json`` sees them.

``json.load`` recurses once per level, so a body of 5,000 ``[`` ended in a
``RecursionError`` (a 500) on every endpoint. The depth is checked first, with the same
scanner the report readers use, and anything deeper than ``MAX_JSON_DEPTH`` is a 400.
"""

import io
from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.jsondepth import MAX_JSON_DEPTH, JsonTooDeepError, check_json_depth


class BoundedJSONParser(JSONParser):
    """``JSONParser`` with a nesting limit (set as the default JSON parser in settings)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        body = stream.read() if stream is not None else b""
        try:
            check_json_depth(body, self.max_depth)
        except JsonTooDeepError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:  # a limit above the interpreter's: still a client error
            raise ParseError("JSON parse error - the body is nested too deeply") from None
