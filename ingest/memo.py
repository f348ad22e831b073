"""A memo for pure one-argument functions: the answer for a text a dict hit, not an lru_cache call.

On Python 3.11 ``functools.lru_cache``'s wrapper is called through a tuple of the arguments (it
has no vectorcall) and moves its entry to the front of a linked list on every hit; the reader asks
its per-cell questions (a cell's label key, header role, category, …) tens of thousands of times a
document, nearly all hits. ``memo`` gives the function's answers from a dict instead: the decorated
name is the dict's bound ``__getitem__``, so a hit is one C call, and a miss computes the answer
once (``__missing__``). The dict is emptied when it reaches ``maxsize`` entries, so its memory is
bounded as the lru_cache's was. Only for pure functions of one hashable positional argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Memo(dict):
    __slots__ = ("function", "maxsize")

    def __init__(self, function: Callable, maxsize: int) -> None:
        super().__init__()
        self.function = function
        self.maxsize = maxsize

    def __missing__(self, key):
        value = self.function(key)
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value


def memo(maxsize: int) -> Callable[[Callable[[K], V]], Callable[[K], V]]:
    """``@memo(1 << 14)``: the function's answers kept per argument, up to ``maxsize`` of them."""

    def wrap(function: Callable[[K], V]) -> Callable[[K], V]:
        return _Memo(function, maxsize).__getitem__

    return wrap
