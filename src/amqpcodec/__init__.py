"""amqpcodec: the AMQP 1.0 wire format for Python, lossless, with a compiled core.

``encode``/``decode`` turn Python values into AMQP 1.0 bytes (Part 1, Types) and back;
see README.md for the value mapping and ``amqpcodec.types`` for the wrapper types.

Every public name is loaded on first use (PEP 562 module ``__getattr__``), so a bare
``import amqpcodec`` imports nothing else; ``from amqpcodec import X``, ``amqpcodec.X``
and ``from amqpcodec import *`` load the module that defines ``X`` (and the backend,
the first time a codec function runs).  Type checkers see the imports below.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._backend import IMPLEMENTATION as IMPLEMENTATION
    from ._codec import decode as decode
    from ._codec import decode_prefix as decode_prefix
    from ._codec import encode as encode
    from ._composite import to_typed as to_typed
    from .definitions import *  # noqa: F403
    from .errors import *  # noqa: F403
    from .frames import *  # noqa: F403
    from .limits import DEFAULT_LIMITS as DEFAULT_LIMITS
    from .limits import Limits as Limits
    from .message import *  # noqa: F403
    from .performatives import *  # noqa: F403
    from .transactions import *  # noqa: F403
    from .types import Array as Array
    from .types import Byte as Byte
    from .types import Char as Char
    from .types import Decimal32 as Decimal32
    from .types import Decimal64 as Decimal64
    from .types import Decimal128 as Decimal128
    from .types import Described as Described
    from .types import Float as Float
    from .types import Int as Int
    from .types import Long as Long
    from .types import Short as Short
    from .types import Symbol as Symbol
    from .types import Timestamp as Timestamp
    from .types import UByte as UByte
    from .types import UInt as UInt
    from .types import ULong as ULong
    from .types import UShort as UShort
    from .types import as_tuple as as_tuple

__version__ = "0.1.0"

#: Where each public name is defined: the submodule, then the names it gives the top
#: level.  ``tests/api/test_lazy_namespace.py`` holds this table equal to the modules'
#: ``__all__`` (all of it for the composite, frame and message modules).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "_backend": ("IMPLEMENTATION",),
    "_codec": ("encode", "decode", "decode_prefix"),
    "limits": ("Limits", "DEFAULT_LIMITS"),
    "errors": (
        "AMQPCodecError",
        "DecodeError",
        "IncompleteError",
        "TrailingBytesError",
        "LimitExceededError",
        "FramingError",
        "UnsupportedProtocolError",
        "EncodeError",
        "UnsupportedTypeError",
    ),
    "types": (
        "UByte",
        "UShort",
        "UInt",
        "ULong",
        "Byte",
        "Short",
        "Int",
        "Long",
        "Float",
        "Decimal32",
        "Decimal64",
        "Decimal128",
        "Char",
        "Timestamp",
        "Symbol",
        "Described",
        "Array",
        "as_tuple",
    ),
    "_composite": ("to_typed",),
    "definitions": (
        "Role",
        "SenderSettleMode",
        "ReceiverSettleMode",
        "TerminusDurability",
        "TerminusExpiryPolicy",
        "DistributionMode",
        "SaslCode",
        "ErrorCondition",
        "Received",
        "Accepted",
        "Rejected",
        "Released",
        "Modified",
        "Source",
        "Target",
        "DeleteOnClose",
        "DeleteOnNoLinks",
        "DeleteOnNoMessages",
        "DeleteOnNoLinksOrMessages",
    ),
    "performatives": (
        "Performative",
        "SaslBody",
        "Open",
        "Begin",
        "Attach",
        "Flow",
        "Transfer",
        "Disposition",
        "Detach",
        "End",
        "Close",
        "SaslMechanisms",
        "SaslInit",
        "SaslChallenge",
        "SaslResponse",
        "SaslOutcome",
    ),
    "transactions": ("Coordinator", "Declare", "Discharge", "Declared", "TransactionalState"),
    "frames": (
        "FrameReader",
        "Frame",
        "ProtocolHeader",
        "AMQP_HEADER",
        "SASL_HEADER",
        "TLS_HEADER",
        "NEED_DATA",
        "encode_frame",
        "encode_transfer",
        "TransferAssembler",
        "PARTIAL_DELIVERY_OVERHEAD",
        "DROPPED_DELIVERY_OVERHEAD",
        "Delivery",
        "AbortedDelivery",
        "find_frame_boundary",
    ),
    "message": (
        "Message",
        "Header",
        "DeliveryAnnotations",
        "MessageAnnotations",
        "Properties",
        "ApplicationProperties",
        "Data",
        "AMQPSequence",
        "AMQPValue",
        "Footer",
        "SECTION_ATTRIBUTES",
    ),
}

#: The module each public name comes from.
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}

#: The submodules an eager package had loaded, offered as attributes on first access
#: (the others load with ``import amqpcodec.<name>``, as before).
_SUBMODULES = frozenset(
    (
        "definitions",
        "errors",
        "frames",
        "limits",
        "message",
        "performatives",
        "transactions",
        "types",
        "_backend",
        "_buffers",
        "_codec",
        "_composite",
        "_decimal",
        "_errortext",
        "_jsonform",
        "_seam",
        "_spec",
    )
)

__all__ = ["__version__", *_HOME]

if not TYPE_CHECKING:  # type checkers see the real names above, and no __getattr__

    def __getattr__(name: str) -> object:
        """Load the module that defines ``name`` and take ``name`` from it (PEP 562)."""
        home = _HOME.get(name)
        if home is None and name not in _SUBMODULES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        if home is None:
            return importlib.import_module(f"{__name__}.{name}")
        if home == "_composite":
            # ``to_typed`` knows the classes registered so far: load them all first, as
            # an eager package did (the composite modules load each other: definitions).
            importlib.import_module(f"{__name__}.definitions")
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    """The public names (``__all__``), loaded yet or not, and whatever is loaded."""
    return sorted({*globals(), *__all__})


del TYPE_CHECKING
