"""The one exception type a user can cause.

Any stage raises :class:`UserError` for problems in the user's input or set-up
(a missing file, a PO file with a syntax error, a missing model). The CLI
prints its message as one line on stderr and exits with status 1; anything
else is a bug and keeps its traceback.
"""


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` is one line saying what and where."""
