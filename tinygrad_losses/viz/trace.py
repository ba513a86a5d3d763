"""Walk a computation graph into plain records (``Graph``) that the DOT and text views share.

The walk is iterative (graphs 10^5 ops deep are fine). Op nodes are keyed by their
``Function``, leaves by the identity of the leaf tensor. A node's output tensor is found
as a parent of one of its consumers (or is a root), which gives every op its value and,
for retained tensors, its gradient. After a plain ``backward()`` the graph's structure is
still there but the intermediate values are not: those nodes' ``array()`` is None.
"""
from dataclasses import dataclass, field

import numpy as np

from tinygrad_losses.tensor import Tensor
from tinygrad_losses.viz.record import grad_of
from tinygrad_losses.viz.scopes import scope_of



@dataclass
class Node:
    key: str                  # DOT id: "n0", "n1", ...
    kind: str                 # "op", "leaf" (requires grad), "constant" (no grad), "scope" (collapsed)
    fn: object = None         # the Function of an op node
    tensor: object = None     # the node's output tensor (the leaf itself for leaves); None if unknown
    name: str = ""            # parameter name of a leaf, scope name of a collapsed scope
    scope: tuple = ()         # scope keys, outermost first: ((name, call id), ...)
    inputs: list = field(default_factory=list)   # keys of the nodes feeding this one, in order
    is_root: bool = False
    members: list = field(default_factory=list)  # for a collapsed scope: the nodes inside it
    exits: set = field(default_factory=set)      # for a collapsed scope: members read from outside
    composed: bool = False    # one of the ops a fused node was drawn as (see viz/fused.py)
    show_value: bool = True   # False where the value is a placeholder (a composition drawn for shapes)
    stands_for: object = None  # the fused node whose output this composed op's output is

    @property
    def op(self):
        return type(self.fn).__name__ if self.fn is not None else self.kind

    @property
    def fused(self):
        """True for a node that ran as one fused kernel (its class says ``fused = True``)."""
        return self.fn is not None and getattr(type(self.fn), "fused", False)

    def array(self):
        """The node's value as a numpy array, or None when unknown or freed by backward."""
        if self.tensor is None or not self.show_value or not isinstance(self.tensor, Tensor):
            return None          # (a freed graph's stand-in for an intermediate result)
        return self.tensor.numpy()

    def grad(self):
        """The gradient of this node's output: a Tensor, or None when it was not computed or kept."""
        if self.kind == "scope":
            outs = [m for m in self.members if m.is_root or m.key in self.exits]
            return outs[0].grad() if len(outs) == 1 else None
        if self.fn is not None:
            g = grad_of(self.fn)
            if g is not None:
                return g
        return getattr(self.tensor, "grad", None)


@dataclass
class Graph:
    nodes: list               # in topological order: every node after its inputs
    roots: list               # keys of the drawn tensors' nodes
    depth: int                # deepest scope nesting
    backward_ran: bool        # some node in the graph holds a gradient
    freed: bool = False       # a backward without retain_graph dropped the saved values


def scope_key(scope):
    """The identity of a scope path: names plus the call that entered each (two calls, two clusters)."""
    return tuple((str(s), getattr(s, "call", None)) for s in scope)


def param_names(params):
    """(id(tensor) -> name, number -> name), from a Module, a name -> tensor dict, or (name, tensor)
    pairs. A loss's keyword arguments can be passed: numbers name the one-element constants that
    hold their value (``margin``, ``eps``); other values (strings, None) are skipped."""
    if params is None:
        return {}, {}
    if hasattr(params, "named_parameters"):
        params = params.named_parameters()
    elif isinstance(params, dict):
        params = params.items()
    names, numbers = {}, {}
    for item in params:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise TypeError(f"draw: params must be a Module, a dict of name -> Tensor or (name, Tensor) "
                            f"pairs; got an item of type {type(item).__name__}")
        name, value = str(item[0]), item[1]
        if isinstance(value, Tensor):
            names[id(value)] = name
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers[float(value)] = None if float(value) in numbers else name   # ambiguous: no name
    return names, numbers


def _module_parameter_names(fns):
    """id(tensor) -> 'net.0.weight' for the parameters of the outermost Modules called in the graph."""
    names, seen = {}, set()
    for fn in fns:
        module = next((s.label for s in scope_of(fn) if hasattr(s.label, "named_parameters")), None)
        if module is not None and id(module) not in seen:
            seen.add(id(module))
            for name, p in module.named_parameters():
                names.setdefault(id(p), name)
    return names


def trace(tensors, params=None):
    """The graph behind ``tensors`` as a ``Graph`` (raises RuntimeError if it was freed)."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"draw: argument {i} must be a Tensor, got {type(t).__name__}")
    if not tensors:
        raise ValueError("draw: expected at least one Tensor to draw, got none")
    names, numbers = param_names(params)
    nodes, consumers = {}, {}   # ident -> Node; node key -> the nodes reading it
    order = []

    def ident(t):
        return ("f", id(t.grad_fn)) if t.grad_fn is not None else ("t", id(t))

    def visit(t):
        k = ident(t)
        if k not in nodes:
            if t.grad_fn is not None:
                node = Node(f"n{len(nodes)}", "op", fn=t.grad_fn, scope=scope_key(scope_of(t.grad_fn)))
            else:
                node = Node(f"n{len(nodes)}", "leaf" if t.requires_grad else "constant", tensor=t,
                            name=names.get(id(t)) or _constant_name(t, numbers))
            nodes[k] = node
            stack.append(t)
        if nodes[k].tensor is None:
            nodes[k].tensor = t
        return nodes[k]

    stack = []
    roots = []
    for t in tensors:
        visit(t).is_root = True
        roots.append(ident(t))
    # depth-first walk without recursion, recording each node's inputs
    while stack:
        t = stack.pop()
        node = nodes[ident(t)]
        order.append(node)
        if t.grad_fn is None:
            continue
        for p in t.grad_fn.parents:
            parent = visit(p)
            node.inputs.append(parent.key)
            consumers.setdefault(parent.key, []).append(node)
    _place_leaves(nodes.values(), consumers)
    ordered = _topological(order)
    owned = _module_parameter_names(n.fn for n in ordered if n.kind == "op")
    for n in ordered:
        if n.kind == "leaf" and not n.name:
            n.name = owned.get(id(n.tensor), "")
    freed = any(getattr(n.fn, "freed", False) for n in ordered)
    backward_ran = freed or any(n.grad() is not None for n in ordered)
    depth = max((len(n.scope) for n in ordered), default=0)
    return Graph(ordered, [nodes[k].key for k in roots], depth, backward_ran, freed)


def _constant_name(t, numbers):
    """The argument name of a one-element constant whose value is that argument's (or '')."""
    if not numbers or t.requires_grad or t.numel() != 1 or t.dtype.kind not in "fiu":
        return ""
    return numbers.get(float(t.numpy().reshape(())), None) or ""


def _place_leaves(nodes, consumers):
    """A one-element constant (made by the code inside a scope: a loss's 0.5 or its divisor) sits
    in the innermost scope shared by all its consumers; inputs, data and parameters stay at the
    top level, where the caller made them."""
    for n in nodes:
        if n.kind != "constant" or n.tensor.numel() != 1:
            continue
        scopes = [c.scope for c in consumers.get(n.key, [])]
        if not scopes:
            continue
        common = scopes[0]
        for s in scopes[1:]:
            i = 0
            while i < min(len(common), len(s)) and common[i] == s[i]:
                i += 1
            common = common[:i]
        n.scope = common


def _topological(order):
    """Every node after its inputs (iterative post-order over the input lists)."""
    by_key = {n.key: n for n in order}
    done, out = set(), []
    for start in order:
        if start.key in done:
            continue
        stack = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if node.key in done:
                continue
            if i < len(node.inputs):
                stack.append((node, i + 1))
                child = by_key[node.inputs[i]]
                if child.key not in done:
                    stack.append((child, 0))
            else:
                done.add(node.key)
                out.append(node)
    return out


def collapse(graph, depth):
    """A new node list in which every scope nested ``depth`` deep (1 = outermost) is one node.

    Edges are re-pointed at the scope node; edges inside a scope disappear.
    """
    if depth is None or depth >= graph.depth + 1:
        return graph.nodes
    owner = {}      # node key -> the scope node standing for it
    scope_nodes = {}
    out = []
    for n in graph.nodes:
        if len(n.scope) >= depth:
            sk = n.scope[:depth]
            sn = scope_nodes.get(sk)
            if sn is None:
                sn = scope_nodes[sk] = Node(f"s{len(scope_nodes)}", "scope", name=sk[-1][0], scope=sk[:-1])
                out.append(sn)
            sn.members.append(n)
            sn.is_root = sn.is_root or n.is_root
            owner[n.key] = sn
        else:
            out.append(n)
    result = []
    for n in out:
        if n.kind == "scope":
            inputs = []
            for m in n.members:
                for k in m.inputs:
                    src = owner.get(k)
                    key = src.key if src is not None else k
                    if key != n.key and key not in inputs:
                        inputs.append(key)
                    if src is not None and src is not n:
                        src.exits.add(k)
            n.inputs = inputs
            result.append(n)
        else:
            new = Node(n.key, n.kind, n.fn, n.tensor, n.name, n.scope, [], n.is_root)
            for k in n.inputs:
                src = owner.get(k)
                key = src.key if src is not None else k
                if key not in new.inputs:
                    new.inputs.append(key)
                if src is not None:
                    src.exits.add(k)
            result.append(new)
    return _topological(result)


def finite(a):
    """False when a float array holds a nan or an inf."""
    return a is None or a.dtype.kind not in "fc" or bool(np.isfinite(a).all())
