"""Benchmarks for amqpcodec (pytest-benchmark); see README "Performance"."""
