"""``tinygrad_losses.nn.functional``, where torch users look for it: the names of
``tinygrad_losses.functional`` (their one home), re-exported."""
from tinygrad_losses.functional import *  # noqa: F401,F403
