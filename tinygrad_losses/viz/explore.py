"""The backprop explorer: one self-contained HTML page that steps through a graph's forward and
backward pass.

    loss = F.cross_entropy(logits, target)
    tl.viz.explore(loss, "backprop.html", params={"logits": logits})   # then open the file

The page holds the graph (graphviz's SVG), inline CSS and a small inline script: no network.

* Forward: each node lights up in evaluation order (the graph's topological order) with its
  shape and, for small tensors, its numbers.
* Backward: the seed gradient, then every node in the order the engine really ran them (recorded
  through ``hooks``: one ``gradient_computed`` event per node), the gradient sent along each input
  edge, the running sum where a tensor is used more than once, and at the end each leaf's gradient.
  A side panel shows the node's local rule (Mul: ∂/∂a = g·b) with its numbers.
* Controls: previous, next, play, a slider, the arrow keys, and ``#step=N`` in the address.

The graph must still be alive (build it, then explore before ``backward()``, or after
``backward(retain_graph=True)``). The explorer runs the backward pass itself with ``tl.grad`` and
``retain_graph=True``, so the leaves' ``.grad`` are left alone; ``backward=True`` runs a real
``backward()`` instead. Fused nodes (``FusedCrossEntropy``) are shown as one step: build the loss
under ``tl.losses.fused.enabled(False)`` to step through the composed ops. Above ``max_nodes``
nodes, scopes are collapsed (innermost first) and a step lights up the scope that holds its node.
"""
import html
import json
import re

import numpy as np

from tinygrad_losses import hooks
from tinygrad_losses.autograd import grad as autograd_grad
from tinygrad_losses.creation import ones_like
from tinygrad_losses.tensor import Tensor
from tinygrad_losses.viz.trace import collapse, trace

# The local rule of each primitive: one line per input (g is the gradient of the node's output,
# a, b, c its inputs in order). Ops missing here get a generic line naming their backward().
RULES = {
    "Add": ("∂/∂a = g", "∂/∂b = g"),
    "Sub": ("∂/∂a = g", "∂/∂b = −g"),
    "Mul": ("∂/∂a = g·b", "∂/∂b = g·a"),
    "Div": ("∂/∂a = g / b", "∂/∂b = −g·a / b²"),
    "Pow": ("∂/∂a = g·b·a^(b−1)", "∂/∂b = g·a^b·ln a"),
    "Maximum": ("∂/∂a = g where a > b (g/2 where a = b)", "∂/∂b = g where b > a (g/2 where a = b)"),
    "Minimum": ("∂/∂a = g where a < b (g/2 where a = b)", "∂/∂b = g where b < a (g/2 where a = b)"),
    "Where": ("∂/∂condition: none", "∂/∂a = g where condition", "∂/∂b = g where not condition"),
    "ClampTensors": ("∂/∂a = g where lo ≤ a ≤ hi", "∂/∂lo = g where a < lo", "∂/∂hi = g where a > hi"),
    "Neg": ("∂/∂a = −g",),
    "Exp": ("∂/∂a = g·exp(a)",),
    "Log": ("∂/∂a = g / a",),
    "Log1p": ("∂/∂a = g / (1 + a)",),
    "Expm1": ("∂/∂a = g·exp(a)",),
    "Sqrt": ("∂/∂a = g / (2·√a)",),
    "Sin": ("∂/∂a = g·cos(a)",),
    "Cos": ("∂/∂a = −g·sin(a)",),
    "Tanh": ("∂/∂a = g·(1 − tanh²(a))",),
    "Sigmoid": ("∂/∂a = g·σ(a)·(1 − σ(a))",),
    "Softplus": ("∂/∂a = g·σ(a)",),
    "Abs": ("∂/∂a = g·sign(a)",),
    "Sign": ("∂/∂a = 0",),
    "Relu": ("∂/∂a = g where a > 0, else 0",),
    "Clamp": ("∂/∂a = g where lo ≤ a ≤ hi, else 0",),
    "ClampStraightThrough": ("∂/∂a = g (the clamp is skipped by the gradient)",),
    "Cast": ("∂/∂a = g, cast back to a's dtype",),
    "Erf": ("∂/∂a = g·2/√π·exp(−a²)",),
    "Sum": ("∂/∂a = g broadcast back to a's shape",),
    "Amax": ("∂/∂a = g at the maximum (shared equally between ties), 0 elsewhere",),
    "Norm": ("∂/∂a = g·a / ‖a‖",),
    "LogSumExp": ("∂/∂a = g·softmax(a)",),
    "Softmax": ("∂/∂a = s·(g − Σ g·s), s = softmax(a)",),
    "LogSoftmax": ("∂/∂a = g − softmax(a)·Σ g",),
    "Matmul": ("∂/∂a = g·bᵀ", "∂/∂b = aᵀ·g"),
    "Linear": ("∂/∂x = g·W", "∂/∂W = gᵀ·x", "∂/∂bias = Σ_rows g"),
    "Reshape": ("∂/∂a = g reshaped back to a's shape",),
    "Permute": ("∂/∂a = g with the inverse permutation",),
    "Expand": ("∂/∂a = g summed over the expanded dims",),
    "Cat": ("∂/∂aᵢ = the slice of g where aᵢ was placed",),
    "GetItem": ("∂/∂a = zeros with g added at the index",),
    "IndexAdd": ("∂/∂a = g", "∂/∂source = g at the index"),
    "Gather": ("∂/∂a = zeros with g scattered back at the index", "∂/∂index: none"),
    "ScatterAdd": ("∂/∂a = g", "∂/∂index: none", "∂/∂source = g gathered at the index"),
    "ToDevice": ("∂/∂a = g moved back to a's device",),
    "XLogY": ("∂/∂x = g·log(y) (0 where x = 0)", "∂/∂y = g·x / y"),
    "BinaryCrossEntropy": ("∂/∂p = g·(p − y) / max(p·(1 − p), ε)", "∂/∂y = g·(log(1 − p) − log p)",
                           "∂/∂weight = g·ℓ"),
    "FusedCrossEntropy": ("∂/∂logits = g·w_y·(softmax(logits) − onehot(y)) (one fused kernel)",),
}


def local_rule(op, n_inputs):
    """The rule lines of ``op`` for ``n_inputs`` inputs (a generic line for ops not in RULES)."""
    lines = RULES.get(op)
    if lines is None or len(lines) != n_inputs:
        names = "abcdefgh"
        return tuple(f"∂/∂{names[i] if i < len(names) else i} = {op}.backward(g), input {i}"
                     for i in range(n_inputs))
    return lines


def numbers(a, limit):
    """A tensor's array as text: its numbers when it has at most ``limit`` elements, else a summary."""
    a = np.asarray(a)
    if a.size <= limit:
        return _nested(a)
    f = a.astype(np.float64, copy=False) if a.dtype.kind in "fiub" else a
    return f"{a.size} numbers: min {_number(f.min())}, max {_number(f.max())}, ‖·‖ {_number(np.linalg.norm(f))}"


def _nested(a):
    if a.ndim == 0:
        return _number(a[()])
    return "[" + ", ".join(_nested(x) for x in a) + "]"


def _number(x):
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (np.integer, int)):
        return str(int(x))
    return f"{float(x):.6g}"


def _describe(t, limit):
    if t is None:
        return {"shape": "?", "dtype": "", "value": ""}
    return {"shape": "(" + ", ".join(str(d) for d in t.shape) + ")", "dtype": str(t.dtype),
            "value": numbers(t.numpy(), limit)}


class _BackwardRecorder:
    """A ``hooks`` observer: every node the engine runs backward for, in the engine's order."""

    def __init__(self):
        self.events = []

    def gradient_computed(self, fn, grad_out, grads_in):
        self.events.append((fn, grad_out, tuple(grads_in)))


def explore(loss, path="backprop.html", params=None, gradient=None, backward=False, title=None,
            max_nodes=200, values=16):
    """Write the backprop explorer of ``loss``'s graph to ``path`` (an HTML file); returns ``path``.

    ``params`` names the leaves (a Module, a name -> Tensor dict or (name, Tensor) pairs, as for
    ``draw``); ``gradient`` is the seed (default: ones, as ``backward()`` uses for one element);
    ``backward=True`` accumulates into the leaves' ``.grad`` as a real ``backward()`` does;
    ``values`` is how many elements a tensor may have for its numbers to be shown.
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"explore: loss must be a Tensor, got {type(loss).__name__}")
    if loss.grad_fn is None:
        raise RuntimeError("explore: loss has no graph to step through (it was computed under no_grad(), "
                           "or from tensors without requires_grad=True)")
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"explore: max_nodes must be a positive int, got {max_nodes!r}")
    if not isinstance(path, str) or not path:
        raise TypeError(f"explore: path must be a file name (str), got {path!r}")
    graph = trace([loss], params)
    if graph.freed:
        raise RuntimeError("explore: the graph of this tensor was freed by backward(); call "
                           "backward(retain_graph=True), or explore before backward")
    page = build_page(loss, graph, params, gradient, backward, title, max_nodes, values)
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path


def record_steps(loss, graph, gradient=None, backward=False, values=16):
    """The forward and backward steps of ``graph`` as plain dicts (what the page's script shows)."""
    by_fn = {id(n.fn): n for n in graph.nodes if n.fn is not None}
    by_key = {n.key: n for n in graph.nodes}
    steps = []
    for n in graph.nodes:
        if n.kind != "op":
            continue
        steps.append({"phase": "forward", "node": n.key, "op": n.op,
                      "inputs": [_input_label(by_key[k]) for k in n.inputs], **_describe(n.tensor, values)})
    seed = ones_like(loss) if gradient is None else gradient
    leaves = [n for n in graph.nodes if n.kind == "leaf"]
    recorder = _BackwardRecorder()
    hooks.subscribe(recorder)
    try:
        if backward:
            loss.backward(seed, retain_graph=True)
            leaf_grads = [n.tensor.grad for n in leaves]
        else:
            leaf_grads = autograd_grad(loss, [n.tensor for n in leaves], grad_outputs=seed,
                                       retain_graph=True, allow_unused=True)
    finally:
        hooks.unsubscribe(recorder)
    root = by_fn[id(loss.grad_fn)]
    steps.append({"phase": "backward", "kind": "seed", "node": root.key, "op": root.op,
                  "grad": numbers(seed.numpy(), values), "shape": _describe(loss, values)["shape"]})
    arrived = {}  # node key -> how many gradients reached it so far, and their sum
    for fn, grad_out, grads_in in recorder.events:
        n = by_fn.get(id(fn))
        if n is None:       # a node outside the drawn graph (another root's backward)
            continue
        edges = []
        for i, (k, p, pg) in enumerate(zip(n.inputs, fn.parents, grads_in)):
            source = by_key[k]
            edge = {"from": k, "label": _input_label(source), "value": numbers(p.numpy(), values),
                    "grad": None, "sum": None,
                    "none": "no gradient: it does not require grad" if not p.requires_grad else
                            "no gradient on this edge (the rule sent this input's whole gradient on another one)"}
            if pg is not None and p.requires_grad:
                edge["grad"] = numbers(pg.numpy(), values)
                count, total = arrived.get(k, (0, None))
                total = pg.numpy() if total is None else total + pg.numpy()
                arrived[k] = (count + 1, total)
                if count:
                    edge["sum"] = numbers(total, values)
                    edge["count"] = count + 1
            edges.append(edge)
        steps.append({"phase": "backward", "kind": "node", "node": n.key, "op": n.op,
                      "rule": list(local_rule(n.op, len(n.inputs))), "g": numbers(grad_out.numpy(), values),
                      "edges": edges})
    steps.append({"phase": "backward", "kind": "leaves", "node": None,
                  "leaves": [{"node": n.key, "label": _input_label(n),
                              "grad": None if g is None else numbers(g.numpy(), values)}
                             for n, g in zip(leaves, leaf_grads)]})
    return steps


def _input_label(n):
    if n.kind == "op":
        return f"{n.op} ({n.key})"
    return n.name or ("input" if n.kind == "leaf" else "constant")


def _collapse_depth(graph, max_nodes):
    """The deepest scope nesting at which collapsing leaves at most ``max_nodes`` nodes (None: none needed)."""
    if len(graph.nodes) <= max_nodes:
        return None
    for depth in range(graph.depth, 0, -1):
        if len(collapse(graph, depth)) <= max_nodes:
            return depth
    return 1


def build_page(loss, graph, params=None, gradient=None, backward=False, title=None, max_nodes=200, values=16):
    """The explorer's HTML page as a string."""
    from tinygrad_losses.viz.dot import draw
    from tinygrad_losses.viz.render import dot_available
    depth = _collapse_depth(graph, max_nodes)
    shown = {}  # node key -> the key drawn for it (its collapsed scope, or itself)
    if depth is not None:
        for n in collapse(graph, depth):
            for m in n.members:
                shown[m.key] = n.key
    steps = record_steps(loss, graph, gradient, backward, values)
    for s in steps:
        s["shown"] = shown.get(s["node"], s["node"])
    if dot_available():
        picture = draw(loss, params=params, gradients=False, collapse=depth or False,
                       values=min(values, 8))
        svg = _keyed_svg(picture.pipe(format="svg").decode("utf-8"))
    else:
        svg = _fallback_list(graph)
    title = title or "backprop explorer"
    data = json.dumps({"steps": steps, "nodes": len(graph.nodes), "collapsed": depth}, ensure_ascii=False)
    parts = {"title": html.escape(title), "svg": svg, "data": data.replace("</", "<\\/"), "css": _CSS,
             "script": _SCRIPT}
    return re.sub(r"\{(title|svg|data|css|script)\}", lambda m: parts[m.group(1)], _PAGE)


def _keyed_svg(svg):
    """graphviz's SVG with its XML header removed and each node and edge tagged with its key."""
    svg = svg[svg.index("<svg"):]

    def tag(m):
        kind, key = m.group(1), html.unescape(m.group(2))
        attr = "data-key" if kind == "node" else "data-edge"
        return f'<g class="{kind}" {attr}="{html.escape(key)}">\n<title>{m.group(2)}</title>'
    return re.sub(r'<g id="[^"]*" class="(node|edge)">\s*<title>([^<]*)</title>', tag, svg)


def _fallback_list(graph):
    """Without graphviz's dot: the nodes as a list, in evaluation order."""
    items = "".join(f'<li class="node" data-key="{n.key}">{html.escape(_input_label(n))}</li>'
                    for n in graph.nodes)
    return f'<p>(graphviz\'s dot is not installed: the nodes in evaluation order)</p><ol>{items}</ol>'


_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; display: flex; flex-direction: column; height: 100vh; }
header { padding: 8px 12px; background: #263238; color: #eceff1; display: flex; gap: 12px; align-items: center; }
header h1 { font-size: 16px; margin: 0 12px 0 0; }
header button { font-size: 14px; padding: 2px 10px; }
#slider { flex: 1; }
main { display: flex; flex: 1; min-height: 0; }
#graph { flex: 2; overflow: auto; padding: 8px; }
#graph svg { max-width: 100%; max-height: calc(100vh - 70px); width: auto; height: auto; }
#panel { flex: 1; min-width: 320px; max-width: 480px; overflow: auto; padding: 10px 14px; background: #fafafa;
         border-left: 1px solid #ccc; font-size: 13px; }
#panel h2 { font-size: 15px; margin: 4px 0 8px; }
#panel .rule { font-family: serif; font-size: 15px; background: #fff8e1; padding: 4px 6px; margin: 2px 0; }
#panel .num { font-family: monospace; white-space: pre-wrap; word-break: break-all; }
#panel .edge { border-top: 1px dashed #bbb; margin-top: 6px; padding-top: 4px; }
#panel .sum { color: #b71c1c; }
.node.done polygon, .node.done path, li.node.done { fill: #c8e6c9; }
.node.current polygon, .node.current path, li.node.current { fill: #ffeb3b; stroke: #e65100; stroke-width: 3; }
.node.source polygon, .node.source path, li.node.source { stroke: #1565c0; stroke-width: 3; }
.edge.current path { stroke: #e65100; stroke-width: 3; }
.edge.current polygon { stroke: #e65100; fill: #e65100; }
#errors:empty { display: none; }
#errors { color: #fff; background: #b71c1c; padding: 4px 12px; }
"""

# The page's script: it only shows the steps the Python side computed (all numbers are in the data).
_SCRIPT = r"""
(function () {
  var data = JSON.parse(document.getElementById("steps").textContent);
  var steps = data.steps, current = 0, timer = null;
  var slider = document.getElementById("slider");
  var panel = document.getElementById("panel");
  slider.max = steps.length - 1;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function line(label, value, cls) {
    var p = el("div", cls);
    p.appendChild(el("b", null, label + " "));
    p.appendChild(el("span", "num", value));
    return p;
  }
  function shownKey(key) {
    for (var i = 0; i < steps.length; i++) if (steps[i].node === key) return steps[i].shown;
    return key;
  }
  function mark(n) {
    var s = steps[n], done = {}, sources = {};
    for (var i = 0; i < n; i++) if (steps[i].phase === s.phase && steps[i].shown) done[steps[i].shown] = true;
    if (s.kind === "leaves") s.leaves.forEach(function (l) { sources[l.node] = true; });
    (s.edges || []).forEach(function (e) { sources[shownKey(e.from)] = true; });
    document.querySelectorAll("[data-key]").forEach(function (g) {
      var k = g.getAttribute("data-key");
      g.classList.toggle("current", k === s.shown);
      g.classList.toggle("done", !!done[k] && k !== s.shown);
      g.classList.toggle("source", !!sources[k]);
    });
    document.querySelectorAll("[data-edge]").forEach(function (g) {
      var ends = g.getAttribute("data-edge").split("->");
      g.classList.toggle("current", ends[1] === s.shown && !!sources[ends[0]]);
    });
  }
  function fill(n) {
    var s = steps[n];
    panel.innerHTML = "";
    panel.setAttribute("data-step", n);
    panel.setAttribute("data-node", s.node || "");
    panel.setAttribute("data-phase", s.phase);
    if (s.phase === "forward") {
      panel.appendChild(el("h2", null, "forward " + (n + 1) + ": " + s.op + " (" + s.node + ")"));
      panel.appendChild(line("inputs:", s.inputs.join(", ")));
      panel.appendChild(line("shape:", s.shape + " " + s.dtype));
      panel.appendChild(line("value:", s.value, "value"));
    } else if (s.kind === "seed") {
      panel.appendChild(el("h2", null, "backward: the seed"));
      panel.appendChild(el("p", null, "Backward starts at the output " + s.op + " (" + s.node + "), shape " +
        s.shape + ", with d out / d out:"));
      panel.appendChild(line("g =", s.grad, "grad"));
    } else if (s.kind === "node") {
      panel.appendChild(el("h2", null, "backward: " + s.op + " (" + s.node + ")"));
      s.rule.forEach(function (r) { panel.appendChild(el("div", "rule", r)); });
      panel.appendChild(line("g =", s.g, "g"));
      s.edges.forEach(function (e, i) {
        var box = el("div", "edge");
        box.setAttribute("data-from", e.from);
        box.appendChild(line("input " + i + ": " + e.label + " =", e.value));
        if (e.grad === null) box.appendChild(el("div", null, e.none));
        else box.appendChild(line("→ gradient sent:", e.grad, "grad"));
        if (e.sum !== null) box.appendChild(line("used " + e.count + " times: accumulated so far", e.sum, "sum"));
        panel.appendChild(box);
      });
    } else {
      panel.appendChild(el("h2", null, "the leaves' gradients"));
      s.leaves.forEach(function (l) {
        var box = el("div", "edge leaf");
        box.setAttribute("data-from", l.node);
        box.appendChild(line(l.label + ".grad =", l.grad === null ? "None (not reached)" : l.grad, "grad"));
        panel.appendChild(box);
      });
    }
    document.getElementById("counter").textContent = "step " + n + " / " + (steps.length - 1) + " (" + s.phase + ")";
  }
  function show(n) {
    current = Math.max(0, Math.min(steps.length - 1, n | 0));
    slider.value = current;
    mark(current);
    fill(current);
    if (location.hash !== "#step=" + current) history.replaceState(null, "", "#step=" + current);
  }
  function fromHash() {
    var m = /step=(\d+)/.exec(location.hash);
    return m ? parseInt(m[1], 10) : 0;
  }
  function play() {
    if (timer) { clearInterval(timer); timer = null; document.getElementById("play").textContent = "play"; return; }
    document.getElementById("play").textContent = "pause";
    timer = setInterval(function () { if (current >= steps.length - 1) play(); else show(current + 1); }, 900);
  }
  document.getElementById("prev").onclick = function () { show(current - 1); };
  document.getElementById("next").onclick = function () { show(current + 1); };
  document.getElementById("play").onclick = play;
  slider.oninput = function () { show(parseInt(slider.value, 10)); };
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") show(current + 1);
    else if (e.key === "ArrowLeft") show(current - 1);
  });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script>
window.onerror = function (message) {
  var e = document.getElementById("errors");
  if (e) e.textContent += "error: " + message + "\\n";
};
</script>
<style>{css}</style></head>
<body>
<div id="errors"></div>
<header><h1>{title}</h1>
<button id="prev" title="previous step (←)">◀ prev</button>
<button id="play">play</button>
<button id="next" title="next step (→)">next ▶</button>
<input id="slider" type="range" min="0" value="0"><span id="counter"></span></header>
<main><div id="graph">{svg}</div><aside id="panel"></aside></main>
<script type="application/json" id="steps">{data}</script>
<script>{script}</script>
</body></html>
"""
