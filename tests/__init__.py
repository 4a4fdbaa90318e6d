"""The amqpcodec test suite, organised by layer; shared helpers live in ``tests.helpers``."""
