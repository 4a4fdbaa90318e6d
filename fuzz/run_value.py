#!/usr/bin/env python3
"""atheris entry point of the ``value`` harness (``fuzz.targets.check_value``)."""

from _atheris_main import main

if __name__ == "__main__":
    main("value")
