"""``results --json``'s text: exactly what ``json.dump(value, indent=1, sort_keys=True,
ensure_ascii=False)`` writes, at the speed of the standard library's C encoder.

Why not ``json.dump`` itself. With an indent the standard library encodes in Python, every
piece passing up a generator per level of nesting: 0.5–0.8 s of a 20,000-application
session's ``results``. Its C encoder only writes one separator between items, whatever the depth. But
a container whose items are all scalars (the totals of an application, a row of statistics:
nearly every value in the results) is written at one depth only, and there the C encoder
given ``",\\n" + indentation`` as its item separator writes exactly the indented text. Only
the few containers above those are walked here.

Anything this walk does not know to the letter (a key that is not a string, a float, a
tuple, a subclass as a value) is handed to ``json.dumps`` with the same options, and its
lines moved to the depth it stands at: the encoder never writes a raw newline inside a
string, so adding the indentation after every newline is exact.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any, TextIO

# one ``write`` per batch (a piece per ``write`` took longer than the encoding), and a batch
# kept small: a flat container is one piece of up to many kilobytes (an expert's totals)
PIECES_PER_WRITE = 8192
CHARS_PER_WRITE = 1 << 18

_SCALARS = frozenset({str, int, float, bool, type(None)})
_LITERALS = {True: "true", False: "false", None: "null"}


def write_indented(value: Any, out: TextIO) -> None:
    """``value`` as ``json.dump(value, out, indent=1, sort_keys=True, ensure_ascii=False)``
    writes it, followed by a newline; streamed in batches, never joined into one string (the
    whole text was the peak memory of a 20,000-application session)."""
    writer = _Writer(out)
    writer.put(value, 0)
    writer.pieces.append("\n")
    writer.flush()


def _is_flat(items: Any) -> bool:
    """Every item a scalar or an empty container: the C encoder writes it at one depth."""
    return _SCALARS.issuperset(map(type, items)) or all(
        type(item) in _SCALARS or (type(item) in (dict, list) and not item) for item in items)


class _Writer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.pieces: list[str] = []
        self.flat_chars = 0  # in the flat containers' pieces since the last write
        self._flat: dict[int, json.JSONEncoder] = {}

    def flush(self) -> None:
        self.out.write("".join(self.pieces))
        self.pieces.clear()
        self.flat_chars = 0

    def put(self, value: Any, depth: int) -> None:
        kind = type(value)
        if kind is dict or kind is list:
            if not value:
                self.pieces.append("{}" if kind is dict else "[]")
            elif _is_flat(value.values() if kind is dict else value):
                self._put_flat(value, depth)
            elif kind is dict and not all(isinstance(key, str) for key in value):
                # json.dump writes a str subclass (a round's StrEnum) as its text, as here
                self._put_as_dumps(value, depth)
            else:
                self._put_nested(value, depth)
        elif kind is str:
            self.pieces.append(encode_basestring(value))
        elif kind is bool or value is None:
            self.pieces.append(_LITERALS[value])
        elif kind is int:
            self.pieces.append(int.__repr__(value))
        else:
            self._put_as_dumps(value, depth)
        if len(self.pieces) >= PIECES_PER_WRITE or self.flat_chars >= CHARS_PER_WRITE:
            self.flush()

    def _put_flat(self, value: dict[Any, Any] | list[Any], depth: int) -> None:
        """A container of scalars: the C encoder, one item per line."""
        encoder = self._flat.get(depth)
        if encoder is None:
            encoder = self._flat[depth] = json.JSONEncoder(
                ensure_ascii=False, sort_keys=True, separators=(",\n" + " " * (depth + 1), ": "))
        text = encoder.encode(value)
        self.flat_chars += len(text)
        self.pieces.append(f"{text[0]}\n{' ' * (depth + 1)}{text[1:-1]}\n{' ' * depth}{text[-1]}")

    def _put_nested(self, value: dict[str, Any] | list[Any], depth: int) -> None:
        inner = "\n" + " " * (depth + 1)
        put, pieces = self.put, self.pieces
        if type(value) is dict:
            pieces.append("{")
            for index, (key, item) in enumerate(sorted(value.items())):
                head = ("," if index else "") + inner + encode_basestring(key) + ": "
                if type(item) is str:  # the scalars of a row, without a call each
                    pieces.append(head + encode_basestring(item))
                elif type(item) is int:
                    pieces.append(head + int.__repr__(item))
                else:
                    pieces.append(head)
                    put(item, depth + 1)
            pieces.append("\n" + " " * depth + "}")
        else:
            pieces.append("[")
            for index, item in enumerate(value):
                pieces.append(("," if index else "") + inner)
                put(item, depth + 1)
            pieces.append("\n" + " " * depth + "]")

    def _put_as_dumps(self, value: Any, depth: int) -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
        self.pieces.append(text.replace("\n", "\n" + " " * depth) if depth else text)
