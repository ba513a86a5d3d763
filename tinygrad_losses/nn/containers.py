"""``ModuleList`` and ``ModuleDict``: sub-modules held in a list or a dict, registered as children.

A plain Python list of layers on a Module registers nothing (its parameters are invisible to
``parameters()``, ``state_dict()`` and the optimizer); ``Module`` warns when it sees one. These
containers are the fix, as in torch. Neither has a ``forward``: the owner decides how to call them.
"""
from collections import OrderedDict

from tinygrad_losses.nn.module import Module


def _check_module(owner, key, module):
    if not isinstance(module, Module):
        raise TypeError(f"{owner}: element {key!r} must be a Module, got {type(module).__name__}")
    return module


class ModuleList(Module):
    """A list of modules, registered under the names ``'0'``, ``'1'``, ... (torch.nn.ModuleList)."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, i):
        n = len(self._modules)
        if not isinstance(i, int) or isinstance(i, bool):
            raise TypeError(f"ModuleList indices must be integers or slices, got {type(i).__name__}")
        if not -n <= i < n:
            raise IndexError(f"ModuleList index {i} out of range for {n} modules")
        return i % n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return ModuleList(list(self._modules.values())[i])
        return self._modules[str(self._index(i))]

    def __setitem__(self, i, module):
        setattr(self, str(self._index(i)), _check_module("ModuleList", i, module))

    def __delitem__(self, i):
        mods = list(self._modules.values())
        if isinstance(i, slice):
            del mods[i]
        else:
            del mods[self._index(i)]
        for name in list(self._modules):
            delattr(self, name)
        self.extend(mods)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        setattr(self, str(len(self._modules)), _check_module("ModuleList", len(self._modules), module))
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        mods = list(self._modules.values())
        mods.insert(index, _check_module("ModuleList", index, module))
        for name in list(self._modules):
            delattr(self, name)
        self.extend(mods)


class ModuleDict(Module):
    """An ordered dict of modules, registered under their keys (torch.nn.ModuleDict)."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict has no module {key!r}; keys: {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key, module):
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"ModuleDict keys must be non-empty strings without '.', got {key!r}")
        setattr(self, key, _check_module("ModuleDict", key, module))

    def __delitem__(self, key):
        self[key]  # the KeyError naming the keys
        delattr(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key):
        module = self[key]
        del self[key]
        return module

    def clear(self):
        for key in list(self._modules):
            delattr(self, key)

    def update(self, modules):
        """Add ``modules``: a dict (or ModuleDict) of name -> Module, or (name, Module) pairs."""
        items = modules.items() if isinstance(modules, (dict, OrderedDict, ModuleDict)) else modules
        for key, module in items:
            self[key] = module
