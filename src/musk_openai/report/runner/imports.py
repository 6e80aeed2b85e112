"""What a run imports, and from which thread.

Two facts about imports shape the runner:

* Python's imports are not safe to race: two threads importing jupyter_client at once see a
  half-initialised module (``ImportError: cannot import name 'AsyncKernelManager'``). So
  :func:`preload` imports, in the main thread and before any worker starts, every module a
  notebook run imports (:data:`PRELOAD`); tests/test_robustness.py proves that no worker thread
  imports anything.
* papermill imports nbformat, which imports jsonschema, whose slowest optional format checkers
  nothing the run validates needs: :func:`papermill_module` and :func:`preload` leave them out
  first (:mod:`musk_openai.optional_imports`).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from musk_openai import interrupts
from musk_openai.optional_imports import skip_slow_optional_imports

#: Every module the worker threads would otherwise import on first use.
PRELOAD = (
    "papermill",
    "papermill.parameterize",
    "papermill.iorw",
    "nbclient",
    "papermill.translators",
    "papermill.exceptions",
    "nbclient.client",
    "nbclient.exceptions",
    "jupyter_client",
    "jupyter_client.manager",
    "jupyter_client.asynchronous.client",
    "jupyter_client.blocking.client",
    "jupyter_client.provisioning.local_provisioner",
    "ipykernel.kernelspec",
    "ipykernel.connect",
    "IPython",
    "IPython.display",
    "IPython.utils.capture",
    "psutil",
    "codeop",
    "getopt",
    "resource",
    "encodings.unicode_escape",
    "zmq.asyncio",
    "traitlets.config",
    "nbformat",
    "jinja2",
    "black",  # optional: papermill formats the parameters with it if installed
)
# nbconvert is not here: only the main thread uses it (the pages), and it imports it while the
# first kernels start (:class:`~.render.PageRenderer`), not before.


def papermill_module(name: str = "papermill") -> ModuleType:
    """``papermill`` (or one of its modules), imported without the slow grammar."""
    skip_slow_optional_imports()
    return importlib.import_module(name)


def preload() -> None:
    """Import, in this (main) thread, everything a notebook run imports; before any worker. A
    module that is not installed is marked absent, so that a worker's ``import`` of it fails at
    once, without the import system's locks (papermill tries ``import black`` for each run)."""
    skip_slow_optional_imports()
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional module: its absence is final, not a race
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]
        interrupts.check()
