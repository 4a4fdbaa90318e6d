"""The ``amqpcodec`` command: ``amqpcodec decode`` shows what captured AMQP 1.0 bytes hold.

Layout: ``arguments`` is the parser and the checks it cannot make, ``app`` runs the
command (:func:`run`).  ``inputs`` reads files and hex text, ``pcap`` reads pcap and
pcapng captures down to TCP segments, ``tcp`` reassembles their connections (``flow``:
one direction of one).
``direction`` turns one direction's bytes into ``events`` (resynchronising on bad
bytes; ``deliveries`` assembles its transfers into messages), ``capture`` a capture's
packets into the events of its connections.  ``render_text`` and ``render_json`` write
the events as text or JSON Lines (``render_plain``: ``--plain-json``'s values; ``text_values``: how values read as text;
``terminal``: colour and the progress bar; ``summary``: the counts at the end);
``values`` is the plain value dump (``--values``).  ``stream`` and ``render`` keep the
names they held before this layout, for the code that imports them.  The codec never
imports this package; ``amqpcodec.__main__`` only parses the arguments and calls
:func:`run`.

Decisions where the issue is silent:

- One input is the client's side (``c2s``) unless given with ``--s2c``; two inputs are
  client then server.  Without timing, two files are shown one direction after the
  other; a Wireshark Follow TCP Stream dump, which keeps the order, is shown
  interleaved as captured.
- An input with neither a protocol header nor any plausible frame, that decodes as a
  whole sequence of AMQP values, is shown as ``--values`` would (with a note on stderr).
- Filters (``--channel``, ``--performative``, ``--messages-only``) choose what is shown;
  ``error``, ``resync`` and ``gap`` events are always shown, and the summary and the exit status
  count everything decoded.  Headers are hidden when any filter is given.
- The summary always names ``N errors, M peer errors`` (zeros too); JSON output ends
  with a ``summary`` object holding the same counts.
- Strings are cut short as binaries are unless ``--full`` (64 characters, then their
  length), wherever shown, and escaped whole (``str.isprintable``, ``str.translate``),
  so that a large message costs little and is never one huge line.
- ``--plain-json`` is ``--json`` with plain values for jq (maps with string keys as
  objects, exact integers as numbers, binaries as hex); ``--json`` stays lossless.
- ``NO_COLOR`` (set and not empty, no-color.org) turns colour off even with ``--color``;
  JSON is never coloured.
- AMQP 0-9-1 streams are decoded in full (:mod:`amqpcodec.cli.amqp091_direction`): told by
  the client's protocol header (for both directions), a server's connection.start, or
  mid-connection by the 0-9-1 frame layout; their events carry ``"protocol": "0-9-1"``.
- Peer errors (:mod:`amqpcodec.cli.peer_errors`: a close with an error, a rejected
  delivery, a 0-9-1 close with a reply code other than 200, the broker's nack or
  return) are frames, marked and counted apart from decode errors; they change the
  exit status (3) only with ``--fail-on-peer-error``, and a decode error (1) outranks
  them.  ``--errors-only`` shows both kinds and nothing else.
- A frame over the size limit in force is read when the connection negotiated a size
  that allows it (1.0 open, 0-9-1 tune-ok; both directions, up to 256 MiB) or with
  ``--max-frame-size``.  In a capture, connections on 5672 and 5671 are decoded
  without a protocol header too.
- TLS and AMQP 0-10 streams are reported and skipped without counting as errors
  (the bytes are not wrong, only not decodable here): exit status 0.  So are gaps in a
  capture (bytes it lost): they are shown and counted in the summary.
- A capture (pcap or pcapng, told by its magic unless ``--hex``/``--raw``/``--values``)
  is given alone.  Its events are shown in the order of the packets that completed
  them, each led by that packet's time of day (UTC) and ``#N``, its connection's
  number; a ``connection`` line opens and closes each connection.  ``--connection``
  chooses the connections decoded (by number, or by either endpoint ``ADDR:PORT``):
  the summary and the exit status count those only; connections keep the numbers
  they have without it.  Connection lines hide, like headers, when a frame filter is
  given.  A progress bar is drawn on stderr when it is a terminal.
"""

from __future__ import annotations

from .app import main, run
from .arguments import build_parser

__all__ = ["build_parser", "run", "main"]
