#!/usr/bin/env python3
"""atheris entry point of the ``assembler`` harness (``fuzz.targets.check_assembler``)."""

from _atheris_main import main

if __name__ == "__main__":
    main("assembler")
