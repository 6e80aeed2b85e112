"""The one base of every error the project expects (bad data, a bad option or parameter, a busy
or forbidden output folder): it carries the message for the user and the command's exit code, so
that the command line handles them all in one place. Anything else is a bug.
"""

from __future__ import annotations


class ProjectError(ValueError):
    """An expected error: ``str(error)`` is the whole message; nothing was written."""

    #: The exit code of a command stopped by this error: 2, nothing ran (see ``--help``).
    exit_code = 2
    #: What the command says before the message (``the dataset is invalid; ...``).
    prefix = ""
