"""Messages (OASIS AMQP 1.0 Part 3 §3.2): the seven sections and the :class:`Message` holding them.

Strategy: a message is a sequence of described values, one per section, in the order
of §3.2 (header, delivery-annotations, message-annotations, properties,
application-properties, body, footer), and the package follows that:

- :mod:`.sections`: the section classes and one table per rule, indexed by section
  kind (descriptor, slot, wire type, class, builder, converter);
- :mod:`.decode`: the walks from bytes to sections: the eager walk, the lazy scan
  (constructors and size fields only) and its per-section decode, section heads in
  every descriptor form, order and limit checks;
- :mod:`.encode`: sections to bytes, canonically, a data body copied once;
- :mod:`.model`: :class:`Message` itself (slots, lazy sections, ``decode``,
  ``encode``, ``to_dict``) and the plan that hands the section tables to the compiled
  hot paths.

Each module's docstring states its strategy and the decisions it takes where the
contract is silent.  This package re-exports the public names (``__all__``).
"""

from __future__ import annotations

# Besides ``__all__``, the section kinds (``HEADER`` ... ``FOOTER``) and the types ``Body``
# and ``MessageId`` stay importable from here.
from .model import Message
from .sections import AMQP_SEQUENCE as AMQP_SEQUENCE
from .sections import AMQP_VALUE as AMQP_VALUE
from .sections import APPLICATION_PROPERTIES as APPLICATION_PROPERTIES
from .sections import DATA as DATA
from .sections import DELIVERY_ANNOTATIONS as DELIVERY_ANNOTATIONS
from .sections import FOOTER as FOOTER
from .sections import HEADER as HEADER
from .sections import MESSAGE_ANNOTATIONS as MESSAGE_ANNOTATIONS
from .sections import PROPERTIES as PROPERTIES
from .sections import (
    SECTION_ATTRIBUTES,
    AMQPSequence,
    AMQPValue,
    ApplicationProperties,
    Data,
    DeliveryAnnotations,
    Footer,
    Header,
    MessageAnnotations,
    Properties,
)
from .sections import Body as Body
from .sections import MessageId as MessageId

__all__ = [
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
]
