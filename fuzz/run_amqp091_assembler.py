#!/usr/bin/env python3
"""atheris entry point of the ``amqp091_assembler`` harness (``fuzz.targets_amqp091.check_amqp091_assembler``)."""

from _atheris_main import main

if __name__ == "__main__":
    main("amqp091_assembler")
