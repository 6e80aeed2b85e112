"""The ``musk-openai`` console script's entry point: Ctrl-C gives one line and exit 130 from the
first instruction of the project's code, and the process ends once the command has.

Its first statement makes Ctrl-C only take note while the command's modules are imported (a
``KeyboardInterrupt`` raised inside an import can leave the import system's lock held:
:mod:`musk_openai.interrupts`); the note is acted on once they are. Only the console script
imports this module.
"""

import signal

_NOTED: list[int] = []
_PREVIOUS = signal.signal(signal.SIGINT, lambda signum, frame: _NOTED.append(signum))

import os  # noqa: E402 - after the handler, on purpose
import sys  # noqa: E402

RUNNER = "musk_openai.report.runner.execute"


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
    code = cli.main()
    # The command is done and has said so: a Ctrl-C now would only kill Python as it exits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    runner = sys.modules.get(RUNNER)
    if runner is not None and runner.threads_left():
        # A run stopped (Ctrl-C, a crash) and killed its kernels; some of its threads are still
        # in jupyter_client's clean-up of them. At exit, nbclient would clean the same kernels
        # up again and wait for those threads' sockets, at times forever (seen once in 24 runs).
        # Everything of the run is already in order (pages discarded, kernels stopped, message
        # said): the process ends here, its private folder removed, its output flushed.
        runner.remove_scratch()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
