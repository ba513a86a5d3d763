"""``UsageError``: a mistake in what the user asked for (a name, a count, a device, a file name).

The command line prints its message as one line, ``tinygrad-losses COMMAND: error: ...``, and exits
with status 2, as argparse does for a bad flag; any other exception is a bug and keeps its traceback.
It is a ``ValueError``, so library callers of the app helpers can catch it as one.
"""


class UsageError(ValueError):
    pass
