"""Events sent from worker processes to the reading process, models included, cheaply.

A worker pickles a chunk's events (Article models, Deletions, RecordFailures, or what
``apply`` returned) into one bytes message; the reading process unpickles it into equal
objects. Pydantic's own pickling runs Python code on both sides of every model
(``__getstate__``, ``__setstate__``), and so would any reduce function of ours; here no
Python code runs per model in the reading process:

* each model travels first as an empty shell (pickle's ``NEWOBJ``: its class only,
  made by ``object.__new__``), wherever it is referred to;
* then, level by level, the shells' field values (the nested models in them travel as
  shells in their turn, in the next level) and the fields each was given, as a number
  into the message's table of distinct sets of field names (a few dozen for thousands
  of models);
* the reading process fills every shell of a level at once, with the setters of the
  model's slots mapped over the shells (C calls), without validating again: the worker
  validated them.

A rebuilt model equals the original, ``model_fields_set`` included, and is of the same
class, its nested models too. Models with extra or private values, and hashable
(frozen) models, which a set or a dict key would hash while the message is read,
travel pydantic's way. An object whose own unpickling reads a model's fields (a custom
``__reduce__`` or ``__setstate__``) would find it still empty.

The collector is kept out of both sides: a worker's chunk and an unpickled message only
create objects that are not cycles, and a chunk of 200 articles holds about 50,000 of
them, which would set off several collections that find nothing to free.
"""

from __future__ import annotations

import copyreg
import gc
import io
import pickle
from collections import deque
from collections.abc import Callable
from itertools import repeat
from typing import Any

_model_class: type | None = None  # pydantic.BaseModel, imported on first use
_set_dict: Callable[[Any, Any], None]  # the setters of its slots, found with it
_set_fields_set: Callable[[Any, Any], None]
_set_extra: Callable[[Any, Any], None]
_set_private: Callable[[Any, Any], None]
_frozen_in_worker = False


def _slot_setter(name: str) -> Callable[[Any, Any], None]:
    """The setter of one of BaseModel's own slots (``__dict__``, ``__pydantic_extra__``
    ...): a model's own ``__setattr__`` would validate the assignment, and
    ``object.__setattr__`` looks the slot up by name each time."""
    slot = vars(_model_class).get(name)
    if slot is None or not hasattr(slot, "__set__"):
        return lambda model, value: object.__setattr__(model, name, value)
    return slot.__set__


def _bind() -> None:
    """Import pydantic and find the model slots (on first use: ``import mscdata`` stays
    light)."""
    global _model_class, _set_dict, _set_fields_set, _set_extra, _set_private
    from pydantic import BaseModel

    _model_class = BaseModel
    _set_dict = _slot_setter("__dict__")
    _set_fields_set = _slot_setter("__pydantic_fields_set__")
    _set_extra = _slot_setter("__pydantic_extra__")
    _set_private = _slot_setter("__pydantic_private__")


class _EventPickler(pickle.Pickler):
    """Pickles pydantic models as empty shells, keeping them to send their state after;
    anything else as usual."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.shells: list[Any] = []  # the models sent as shells, in the order sent

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        shell = _shell_of.get(kind)
        if shell is None:  # a class not met yet (isinstance on a model class is slow)
            # a hashable (frozen) model may be hashed by a set or dict while the message
            # is read, before the shells are filled: it travels whole, pydantic's way
            model = isinstance(obj, _model_class) and kind.__hash__ is None  # type: ignore[arg-type]
            shell = _shell_of[kind] = (copyreg.__newobj__, (kind,)) if model else ()
        if shell and obj.__pydantic_extra__ is None and obj.__pydantic_private__ is None:
            self.shells.append(obj)
            return shell  # pickled as NEWOBJ: the class alone, nothing called back
        return NotImplemented  # the usual way, models with extras or private values too


# how each class met is pickled: a model class as its shell, any other () (the usual way)
_shell_of: dict[type, tuple[Any, ...]] = {}


def pack(events: list[Any]) -> bytes:
    """The events as one message for :func:`unpack`: the events with their models as
    shells, then each level's shells' state, then None."""
    if _model_class is None:
        _bind()
    buffer = io.BytesIO()
    pickler = _EventPickler(buffer)
    pickler.dump(events)
    kinds: dict[frozenset[str], int] = {}  # each distinct set of given fields, numbered
    sent = 0
    while sent < len(pickler.shells):  # the nested models of a level are the next level
        level = pickler.shells[sent:]
        sent = len(pickler.shells)
        values = [model.__dict__ for model in level]
        given = [
            kinds.setdefault(frozenset(model.__pydantic_fields_set__), len(kinds))
            for model in level
        ]
        # one pickler: the shells and the sets of given fields already sent are memoized
        pickler.dump((level, values, list(kinds), given))
    pickler.dump(None)
    return buffer.getvalue()


def unpack(message: bytes) -> list[Any]:
    """The events a :func:`pack` message holds, made without the collector's rescans."""
    if _model_class is None:
        _bind()
    with _CollectorPaused():
        unpickler = pickle.Unpickler(io.BytesIO(message))
        events = unpickler.load()
        while (level := unpickler.load()) is not None:
            shells, values, kinds, given = level
            deque(map(_set_dict, shells, values), maxlen=0)
            fields_sets = map(set, map(kinds.__getitem__, given))  # a set of its own each
            deque(map(_set_fields_set, shells, fields_sets), maxlen=0)
            deque(map(_set_extra, shells, repeat(None)), maxlen=0)
            deque(map(_set_private, shells, repeat(None)), maxlen=0)
        return events


def run_packed(function: Callable[..., list[Any]], *args: Any) -> bytes:
    """``pack(function(*args))``: what a worker process runs for each chunk.

    The objects the worker imported are frozen once (:func:`gc.freeze`), so that the
    collections between chunks do not walk the modules again; its collector runs
    between chunks even when it was forked from a reading that paused it
    (:mod:`mscdata.held_records`), as in a worker started any other way.
    """
    global _frozen_in_worker
    if not _frozen_in_worker:
        gc.freeze()
        gc.enable()
        _frozen_in_worker = True
    with _CollectorPaused():
        return pack(function(*args))


class _CollectorPaused:
    """The cyclic collector off for a block, and back on after it if it was on."""

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._was_enabled:
            gc.enable()
