#!/usr/bin/env python3
"""atheris entry point of the ``stream`` harness (``fuzz.targets.check_stream``)."""

from _atheris_main import main

if __name__ == "__main__":
    main("stream")
