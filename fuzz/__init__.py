"""Fuzz harnesses for amqpcodec's hostile-input contract (README "Security").

``fuzz.targets`` holds one plain function per harness (importable without atheris);
``fuzz/run_<target>.py`` are the atheris entry points; ``python -m fuzz.replay``
replays ``fuzz/corpus/<harness>/`` through every harness on both backends (CI);
``python -m fuzz.seeds`` rebuilds the seed corpora from the golden vectors.
"""
