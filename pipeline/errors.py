"""The exception type a user can cause, and the exit statuses of the command line.

Any stage raises :class:`UserError` for problems in the user's input or set-up
(a missing file, a PO file with a syntax error, a missing model). The CLI
prints its message as one line on stderr; anything else is a bug and keeps its
traceback.

Exit statuses (documented in the README, stable for scripts and cron jobs):

====  ==================================================================
0     everything asked for was done
1     usage or set-up error: a bad option, a missing model, a broken
      project file; nothing was done
2     partial: some documents failed (each problem reported), the others
      were fully processed
3     a quality gate failed: ``--require-reviewed``/``--min-reviewed``
      refused to publish, or ``pipeline check`` found errors
130   interrupted (Ctrl-C); files already written are complete
====  ==================================================================
"""

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit statuses of the ``pipeline`` command (see the module docstring)."""

    OK = 0
    USAGE = 1
    PARTIAL = 2
    QUALITY = 3
    INTERRUPTED = 130


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` is one line saying what and where."""

    exit_status: ExitStatus = ExitStatus.USAGE


class QualityGateError(UserError):
    """A quality gate refused the work (``--require-reviewed``, check errors)."""

    exit_status = ExitStatus.QUALITY
