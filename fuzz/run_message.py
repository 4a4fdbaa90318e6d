#!/usr/bin/env python3
"""atheris entry point of the ``message`` harness (``fuzz.targets.check_message``)."""

from _atheris_main import main

if __name__ == "__main__":
    main("message")
