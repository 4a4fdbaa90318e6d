"""Fuzz harnesses for amqpcodec's hostile-input contract (README "Security").

``fuzz.targets`` (AMQP 1.0) and ``fuzz.targets_amqp091`` (AMQP 0-9-1) hold one plain
function per harness (importable without atheris), ``fuzz.harnesses`` lists them all;
``fuzz/run_<target>.py`` are the atheris entry points; ``python -m fuzz.replay``
replays ``fuzz/corpus/<harness>/`` through every harness on both backends (CI);
``python -m fuzz.seeds`` rebuilds the seed corpora from the golden vectors
(``fuzz.seeds_amqp091`` the 0-9-1 ones).
"""
