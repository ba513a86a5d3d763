"""Loss names as a user types them: the functional name (``cross_entropy``), the nn class name
(``CrossEntropyLoss``, or a subclass such as the deprecated ``NLLLoss2d``), a short alias (``ce``),
the name without its ``_loss`` suffix (``mse``), in any case. Every command resolves names here,
so a name that works in ``train`` works in ``explain`` and ``graph`` too.

An unknown name is a ``UsageError`` with the closest known names ("did you mean ...").
"""
import difflib

from tinygrad_losses.app.errors import UsageError

# Short names that the ``_loss`` rule does not give. An alias never means a loss other than the one
# its spelling already names: "hinge" is ``hinge_loss`` (by the rule), not multi_margin_loss.
ALIASES = {"ce": "cross_entropy", "focal": "sigmoid_focal_loss", "bce": "binary_cross_entropy_with_logits",
           "kl": "kl_div", "triplet": "triplet_margin_loss"}


def _table():
    """Every spelling we accept, lower-cased -> the registry entry."""
    from tinygrad_losses import functional
    from tinygrad_losses.losses.registry import losses_table
    from tinygrad_losses.nn import loss as nn_loss
    entries = losses_table()
    by_class = {i.module: i for i in entries}
    table = {}
    for i in entries:
        table[i.name.lower()] = i
        table[i.module.lower()] = i
        short = i.name[:-len("_loss")] if i.name.endswith("_loss") else None
        if short and not hasattr(functional, short):  # cosine_similarity is a function of its own
            table[short] = i
    for class_name in nn_loss.__all__:  # subclasses of a registered class (NLLLoss2d is an NLLLoss)
        for base in getattr(nn_loss, class_name).__mro__:
            if base.__name__ in by_class:
                table.setdefault(class_name.lower(), by_class[base.__name__])
                break
    for alias, name in ALIASES.items():
        table[alias] = table[name]
    return table


def resolve(name):
    """The registry entry (``LossInfo``) that ``name`` means; ``UsageError`` with suggestions otherwise."""
    table = _table()
    info = table.get(str(name).strip().lower())
    if info is not None:
        return info
    close = difflib.get_close_matches(str(name).lower(), list(table), n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(table[c].name for c in close))
    hint = f"did you mean {' or '.join(suggestions)}?" if suggestions else "see `tinygrad-losses losses` for the list"
    raise UsageError(f"unknown loss {name!r}; {hint}")
