"""Tests of the ``amqpcodec`` command (``amqpcodec.cli``)."""
