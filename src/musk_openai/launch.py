"""The ``musk-openai`` console script's entry point: Ctrl-C gives one line and exit 130 from the
first instruction of the project's code.

Its first statement makes Ctrl-C only take note while the command's modules are imported (a
``KeyboardInterrupt`` raised inside an import can leave the import system's lock held:
:mod:`musk_openai.interrupts`); the note is acted on once they are. Only the console script
imports this module.
"""

import signal

_NOTED: list[int] = []
_PREVIOUS = signal.signal(signal.SIGINT, lambda signum, frame: _NOTED.append(signum))

import sys  # noqa: E402 - after the handler, on purpose


def main() -> int:
    """Import the command, then run it (:func:`musk_openai.cli.main`, which defers Ctrl-C in
    turn: :mod:`musk_openai.interrupts`)."""
    try:
        from musk_openai import cli
    finally:
        signal.signal(signal.SIGINT, _PREVIOUS)
    if _NOTED:
        print("musk-openai: interrupted", file=sys.stderr)
        return 130
    return cli.main()
