"""The one place that picks the backend, and the one switch that changes it.

``AMQPCODEC_PUREPYTHON=1`` (any non-empty value other than ``0``) or a non-CPython
interpreter selects the pure-Python backend; otherwise the compiled ``_speedups``
module is used, falling back to pure Python only when it cannot be imported (it was
not built; ``tests/backends/test_backend_selection.py`` fails a CPython install where that
happens silently).  ``IMPLEMENTATION`` says which one an import picked.

Every layer reads the live backend at call time through :func:`current`, a
:class:`contextvars.ContextVar` lookup (about as cheap as reading a module global), so
reading ``Message.decode`` tells you what runs: ``current().compiled`` when there is a
compiled module, else the layer's own Python code.  Tests, fuzzers and benchmarks
switch backends with :func:`use_backend` only; being a context variable, a switch holds
in its own thread or task and ends with its ``with`` block.  Nothing assigns module
globals to change backends.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import importlib
import os
import platform
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from ._seam import CompiledPaths, TableCodec091, ValueCodec

if TYPE_CHECKING:
    from . import _pure, _speedups
    from .amqp091 import _tables

    # mypy checks here that both modules (the compiled one through its stub) fill the
    # seam's protocols; tests/ checks the stub against the compiled module itself.
    _PURE_CODEC: ValueCodec = _pure
    _COMPILED_CODEC: ValueCodec = _speedups
    _COMPILED_PATHS: CompiledPaths = _speedups
    _PURE_TABLES091: TableCodec091 = _tables
    _COMPILED_TABLES091: TableCodec091 = _speedups

__all__ = [
    "Backend",
    "IMPLEMENTATION",
    "available_backends",
    "current",
    "get_backend",
    "pure_requested",
    "use_backend",
]

BackendName = Literal["python", "cython"]

#: The pure AMQP 0-9-1 field-table codec, by module name (see ``Backend.tables091``).
_PURE_TABLES_MODULE = "amqpcodec.amqp091._tables"
_TABLES091: dict[str, TableCodec091] = {}


def _import_tables091(name: str) -> TableCodec091:
    codec: TableCodec091 = importlib.import_module(name)
    _TABLES091[name] = codec
    return codec


@dataclasses.dataclass(frozen=True, slots=True)
class Backend:
    """A backend as the layers see it: the value codec's two functions, the compiled
    hot paths for the layers (``None`` for the pure backend: the layers' own code runs),
    and the AMQP 0-9-1 field-table codec (:attr:`table091`).

    A test may build one of its own, e.g. ``dataclasses.replace(get_backend("python"),
    decode_prefix=counting)``, and run code on it with :func:`use_backend`.
    """

    name: str
    encode: Callable[..., bytes]
    decode_prefix: Callable[..., tuple[Any, int]]
    compiled: CompiledPaths | None
    #: The AMQP 0-9-1 field-table codec (read it as :attr:`table091`), or the name of the
    #: module that is one, imported on first use so ``import amqpcodec`` never loads the
    #: 0-9-1 package.
    tables091: TableCodec091 | str = _PURE_TABLES_MODULE

    @property
    def table091(self) -> TableCodec091:
        """The AMQP 0-9-1 field-table codec of this backend (``_seam.TableCodec091``)."""
        tables = self.tables091
        if isinstance(tables, str):
            return _TABLES091.get(tables) or _import_tables091(tables)
        return tables


_MODULES: dict[BackendName, str] = {"python": "amqpcodec._pure", "cython": "amqpcodec._speedups"}
_LOADED: dict[str, Backend] = {}


def get_backend(name: BackendName) -> Backend:
    """The backend called ``name`` (``"python"`` or ``"cython"``); ``ImportError`` when
    the compiled module was not built."""
    found = _LOADED.get(name)
    if found is None:
        module = importlib.import_module(_MODULES[name])
        codec: ValueCodec = module
        compiled: CompiledPaths | None = module if name == "cython" else None
        tables: TableCodec091 | str = module if name == "cython" else _PURE_TABLES_MODULE
        found = _LOADED[name] = Backend(name, codec.encode, codec.decode_prefix, compiled, tables)
    return found


def available_backends(*, require_compiled: bool = False) -> list[Backend]:
    """The backends importable here: the pure one, then the compiled one when it is
    built (with ``require_compiled``, its ``ImportError`` is raised instead)."""
    found = [get_backend("python")]
    try:
        found.append(get_backend("cython"))
    except ImportError:
        if require_compiled:
            raise
    return found


def pure_requested() -> bool:
    """Whether the environment asks for the pure-Python backend."""
    flag = os.environ.get("AMQPCODEC_PUREPYTHON", "")
    return (flag not in ("", "0")) or platform.python_implementation() != "CPython"


def _select() -> Backend:
    if not pure_requested():
        try:
            return get_backend("cython")
        except ImportError:
            pass
    return get_backend("python")


_DEFAULT = _select()
IMPLEMENTATION: str = _DEFAULT.name
_CURRENT: contextvars.ContextVar[Backend] = contextvars.ContextVar("amqpcodec_backend", default=_DEFAULT)

#: The live backend (read it at call time, never cache it in a module global).
current: Callable[[], Backend] = _CURRENT.get


@contextlib.contextmanager
def use_backend(backend: Backend | BackendName) -> Iterator[Backend]:
    """Run the block on ``backend`` (a :class:`Backend` or its name), in this thread or
    task only; the previous backend is restored on exit."""
    chosen = get_backend(backend) if isinstance(backend, str) else backend
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)
