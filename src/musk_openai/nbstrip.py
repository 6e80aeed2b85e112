"""The git filter that strips a notebook's outputs when it is staged (``make git-filter``)::

    python -m musk_openai.nbstrip --keep-id [nbstripout's options] [FILE ...]

nbstripout's own command (its public :func:`nbstripout.main`, the same options and output),
with jsonschema's slowest optional imports left out first
(:mod:`musk_openai.optional_imports`): git runs the filter once per notebook staged, and they
took 1.7 s of the 1.8 s it spent on each.
"""

from __future__ import annotations

from musk_openai.optional_imports import skip_slow_optional_imports

if __name__ == "__main__":
    skip_slow_optional_imports()
    import nbstripout

    nbstripout.main()
