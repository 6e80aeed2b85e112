"""What a run imports, and from which thread.

Two facts about imports shape the runner:

* Python's imports are not safe to race: two threads importing jupyter_client at once see a
  half-initialised module (``ImportError: cannot import name 'AsyncKernelManager'``). So
  :func:`preload` imports, in the main thread and before any worker starts, every module a
  notebook run imports (:data:`PRELOAD`); tests/test_robustness.py proves that no worker thread
  imports anything.
* papermill imports nbformat, which imports jsonschema, which imports ``rfc3987_syntax`` when it
  is installed (jupyter_events asks for it) and builds its IRI grammar at import: 2.2 s of the
  2.9 s papermill takes to import, measured with ``python -X importtime``. The grammar serves
  only jsonschema's ``iri`` format checker, which notebook validation never uses; Lark can cache
  only LALR grammars (this one is Earley), and no option of jsonschema skips it. So
  :func:`papermill_module` marks that one module as absent before the first import of
  jsonschema, and jsonschema leaves out the ``iri`` checker, as it does when the module is not
  installed. Two more checkers go the same way, for the same reason (nothing the run validates
  has their formats): ``uri-template`` (``uri_template``, 75 ms to import) and ``duration``
  (``isoduration`` and arrow, 17 ms). Nothing else is changed.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from musk_openai import interrupts

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

#: Imported by jsonschema for a format checker only (``iri``: 2.2 s to import; ``uri-template``
#: and ``duration``: 0.1 s), formats that nothing the run validates has.
SLOW_OPTIONAL = ("rfc3987_syntax", "uri_template", "isoduration")


def skip_slow_optional_imports() -> None:
    """Make jsonschema, not yet imported, skip :data:`SLOW_OPTIONAL` (see the module's doc)."""
    if "jsonschema" not in sys.modules:
        for name in SLOW_OPTIONAL:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]


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
