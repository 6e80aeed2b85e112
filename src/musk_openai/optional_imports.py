"""nbformat without the slowest of jsonschema's optional imports.

nbformat imports jsonschema, which imports ``rfc3987_syntax`` when it is installed (jupyter_events
asks for it) and builds its IRI grammar at import: 2.2 s of the 2.9 s papermill takes to import,
1.7 s of the 1.8 s nbstripout takes to strip one notebook, measured with ``python -X importtime``.
The grammar serves only jsonschema's ``iri`` format checker, which notebook validation never
uses; Lark can cache only LALR grammars (this one is Earley), and no option of jsonschema skips
it. So :func:`skip_slow_optional_imports` marks that one module as absent before the first import
of jsonschema, and jsonschema leaves out the ``iri`` checker, as it does when the module is not
installed. Two more checkers go the same way, for the same reason (no notebook has their
formats): ``uri-template`` (``uri_template``, 75 ms to import) and ``duration`` (``isoduration``
and arrow, 17 ms). Nothing else is changed. Used by the report's runner, ``musk-openai
check-notebooks`` and the git filter (:mod:`musk_openai.nbstrip`).
"""

from __future__ import annotations

import sys

#: Imported by jsonschema for a format checker only, a format no notebook has.
SLOW_OPTIONAL = ("rfc3987_syntax", "uri_template", "isoduration")


def skip_slow_optional_imports() -> None:
    """Make jsonschema, not yet imported, skip :data:`SLOW_OPTIONAL` (see the module's doc)."""
    if "jsonschema" not in sys.modules:
        for name in SLOW_OPTIONAL:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]
