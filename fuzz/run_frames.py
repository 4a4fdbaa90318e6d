#!/usr/bin/env python3
"""atheris entry point of the ``frames`` harness (``fuzz.targets.check_frames``)."""

from _atheris_main import main

if __name__ == "__main__":
    main("frames")
