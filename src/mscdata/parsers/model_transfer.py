"""Events sent from worker processes to the reading process, models included, cheaply.

A worker pickles a chunk's events (Article models, Deletions, RecordFailures, or what
``apply`` returned) into one bytes message; the reading process unpickles it into equal
objects. Pydantic's own pickling runs Python code on both sides of every model
(``__getstate__``, ``__setstate__``); here a model travels as its class, its field
values and the names of the fields it was given, and is put back together by
:func:`rebuild_model` without validating again: the worker validated it. The rebuilt
model equals the original, ``model_fields_set`` included.

The collector is kept out of both sides: a worker's chunk and an unpickled message only
create objects that are not cycles, and a chunk of 200 articles holds about 50,000 of
them, which would set off several collections that find nothing to free.
"""

from __future__ import annotations

import gc
import io
import pickle
from collections.abc import Callable
from typing import Any

_model_class: type | None = None  # pydantic.BaseModel, imported on first use
_set_dict: Callable[[Any, Any], None]  # the setters of its slots, found with it
_set_fields_set: Callable[[Any, Any], None]
_set_extra: Callable[[Any, Any], None]
_set_private: Callable[[Any, Any], None]
_new = object.__new__
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


def rebuild_model(cls: type, values: dict[str, Any], fields_set: set[str]) -> Any:
    """A model of ``cls`` holding ``values``, as validation made it (no validation)."""
    model = _new(cls)
    _set_dict(model, values)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model


class _EventPickler(pickle.Pickler):
    """Pickles pydantic models as :func:`rebuild_model` calls; anything else as usual."""

    def reducer_override(self, obj: Any) -> Any:
        if (
            isinstance(obj, _model_class)  # type: ignore[arg-type]
            and obj.__pydantic_extra__ is None
            and obj.__pydantic_private__ is None
        ):
            return rebuild_model, (type(obj), obj.__dict__, obj.__pydantic_fields_set__)
        return NotImplemented  # the usual way, models with extras or private values too


def pack(events: list[Any]) -> bytes:
    """The events as one message for :func:`unpack`."""
    if _model_class is None:
        _bind()
    buffer = io.BytesIO()
    _EventPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(events)
    return buffer.getvalue()


def unpack(message: bytes) -> list[Any]:
    """The events a :func:`pack` message holds, made without the collector's rescans."""
    if _model_class is None:
        _bind()
    with _CollectorPaused():
        return pickle.loads(message)


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
