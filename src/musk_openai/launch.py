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
    end(code)
    return code  # not reached


def end(code: int) -> None:
    """End the process once the command has: its files written and closed, its message said.

    Python's own exit would then only tear down the modules the command imported (pandas,
    matplotlib, nbconvert: a quarter of a second, a quarter of a rebuild with nothing changed)
    and run their clean-ups at exit. The one that matters after a run, nbclient's clean-up of
    its kernels, can wait forever after a stopped run (seen once in 24 runs: its threads were
    still in jupyter_client's clean-up of the kernels it had killed). So this does what matters
    of it here, whatever happened: no process the run started is left, its private folder is
    removed, the output is flushed; then the process ends (:func:`os._exit`)."""
    runner = sys.modules.get(RUNNER)
    if runner is not None:
        runner.stop_kernels()  # none is left after a run that ended: if one were, it goes too
        runner.remove_scratch()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (``| head``), a stream closed
            pass
    os._exit(code)
