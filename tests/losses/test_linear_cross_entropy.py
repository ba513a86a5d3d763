"""linear_cross_entropy / nn.LinearCrossEntropyLoss: LOSSES.md's example, chunked vs unchunked
(the composed linear + cross_entropy), torch, gradcheck, retain_graph, errors."""
import numpy as np
import pytest

import tinygrad_losses as tl
import tinygrad_losses.functional as F
from tinygrad_losses import nn
from tinygrad_losses.losses import fused


def _tensors(dtype, n=23, h=6, v=9, seed=0, ignore=-100):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h)).astype(dtype)
    w = rng.standard_normal((v, h)).astype(dtype)
    b = rng.standard_normal(v).astype(dtype)
    y = rng.integers(0, v, n)
    y[[1, n - 2]] = ignore
    cw = np.linspace(0.2, 2, v).astype(dtype)
    return x, w, b, y, cw


def test_worked_example_losses_md():
    x = tl.tensor([[1, -0.5], [0.3, 2]], dtype=tl.float64, requires_grad=True)
    w = tl.tensor([[0.2, -0.1], [0.5, 0.4], [-0.3, 0.8]], dtype=tl.float64, requires_grad=True)
    b = tl.tensor([0.1, 0, -0.2], dtype=tl.float64)
    loss = F.linear_cross_entropy(x, w, tl.tensor([2, 1]), linear_bias=b, label_smoothing=0.1)
    assert loss.grad_fn.name() == "LinearCrossEntropy"
    loss.backward()
    assert loss.item() == pytest.approx(1.51308, rel=1e-5)
    assert w.grad.numpy()[2, 1] == pytest.approx(0.679, rel=1e-3)
    assert x.grad.numpy()[0, 0] == pytest.approx(0.260088, rel=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kw", [dict(), dict(weight=True, label_smoothing=0.3), dict(ignore_index=2)], ids=str)
def test_chunked_equals_unchunked_and_torch(dtype, reduction, kw):
    x, w, b, y, cw = _tensors(dtype, ignore=kw.get("ignore_index", -100))
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = cw
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    seed = np.linspace(0.5, 1.5, 23).astype(dtype) if reduction == "none" else np.array(1.5, dtype)
    results = []
    for chunk in (4, None):  # 6 chunks (the last one short), then the composed reference
        xt, wt, bt = (tl.tensor(a, requires_grad=True) for a in (x, w, b))
        tkw = {k: (tl.tensor(v) if k == "weight" else v) for k, v in kw.items()}
        if chunk:
            loss = F.linear_cross_entropy(xt, wt, tl.tensor(y), linear_bias=bt, reduction=reduction,
                                          options=nn.LinearCrossEntropyOptions(batch_chunk_size=chunk), **tkw)
            assert loss.grad_fn.name() == "LinearCrossEntropy"
        else:
            with fused.enabled(False):
                loss = F.cross_entropy(nn.linear(xt, wt, bt), tl.tensor(y), reduction=reduction,
                                       ignore_index=kw.get("ignore_index", -100),
                                       label_smoothing=kw.get("label_smoothing", 0.0), weight=tkw.get("weight"))
        assert loss.dtype == dtype
        grads = tl.grad(loss, [xt, wt, bt], tl.tensor(seed))
        results.append([loss.numpy()] + [g.numpy() for g in grads])
    for a, c in zip(*results):
        np.testing.assert_allclose(a, c, **tol)
    torch = pytest.importorskip("torch")
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    tkw = {k: (torch.tensor(v) if k == "weight" else v) for k, v in kw.items()}
    ref = torch.nn.functional.linear_cross_entropy(xt, wt, torch.tensor(y), linear_bias=bt, reduction=reduction,
                                                   **tkw)
    want = [ref.detach().numpy()] + [g.numpy() for g in torch.autograd.grad(ref, [xt, wt, bt], torch.tensor(seed))]
    for a, c in zip(results[0], want):
        np.testing.assert_allclose(a, c, **tol)


def test_unbatched_and_probability_targets_match_torch():
    torch = pytest.importorskip("torch")
    x, w, b, y, _ = _tensors(np.float64, n=4)
    p = np.random.default_rng(2).random((4, 9))
    for inp, tgt in ((x[0], np.array(3)), (x, p)):
        out = F.linear_cross_entropy(tl.tensor(inp), tl.tensor(w), tl.tensor(tgt), linear_bias=tl.tensor(b),
                                     reduction="none")
        ref = torch.nn.functional.linear_cross_entropy(torch.tensor(inp), torch.tensor(w), torch.tensor(tgt),
                                                       linear_bias=torch.tensor(b), reduction="none")
        assert out.shape == tuple(ref.shape)
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)


def test_gradcheck_and_second_order():
    x, w, b, y, cw = _tensors(np.float64, n=7, h=3, v=4)
    xt, wt, bt = (tl.tensor(a, requires_grad=True) for a in (x, w, b))
    opts = nn.LinearCrossEntropyOptions(batch_chunk_size=3)
    def f(x, w, b):
        return F.linear_cross_entropy(x, w, tl.tensor(y), linear_bias=b, weight=tl.tensor(cw), label_smoothing=0.2,
                                      options=opts)
    assert tl.gradcheck(f, (xt, wt, bt))
    assert tl.gradgradcheck(f, (xt, wt, bt))


def test_retain_graph_second_backward():
    x, w, b, y, _ = _tensors(np.float64)
    xt, wt = tl.tensor(x, requires_grad=True), tl.tensor(w, requires_grad=True)
    loss = F.linear_cross_entropy(xt, wt, tl.tensor(y), options={"batch_chunk_size": 5})
    loss.backward(retain_graph=True)
    first = wt.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(wt.grad.numpy(), 2 * first, rtol=1e-12)


def test_module():
    tl.manual_seed(0)
    m = nn.LinearCrossEntropyLoss(6, 9, bias=True, dtype=tl.float64, label_smoothing=0.1)
    x, _, _, y, _ = _tensors(np.float64)
    loss = m(tl.tensor(x), tl.tensor(y))
    ref = F.cross_entropy(m.linear(tl.tensor(x)), tl.tensor(y), label_smoothing=0.1)
    assert loss.item() == pytest.approx(ref.item(), rel=1e-12)
    loss.backward()
    assert m.linear.weight.grad.shape == (9, 6) and m.linear.bias.grad.shape == (9,)
    with pytest.raises(RuntimeError, match="label_smoothing"):
        nn.LinearCrossEntropyLoss(6, 9, label_smoothing=-0.1)
    with pytest.raises(RuntimeError, match="weight shape"):
        nn.LinearCrossEntropyLoss(6, 9, weight=tl.ones(8))


@pytest.mark.parametrize("args, err", [
    (dict(input=tl.zeros(2, 3, 4)), RuntimeError), (dict(linear_weight=tl.zeros(4)), RuntimeError),
    (dict(linear_weight=tl.zeros(5, 3)), RuntimeError), (dict(linear_bias=tl.zeros(3)), RuntimeError),
    (dict(target=tl.tensor([0, 7])), IndexError), (dict(target=tl.tensor([0, 1, 2])), ValueError),
    (dict(reduction="avg"), ValueError), (dict(options={"batch_chunk_size": 0}), ValueError),
    (dict(label_smoothing=1.5), RuntimeError), (dict(input="x"), TypeError),
])
def test_bad_inputs(args, err):
    call = dict(input=tl.zeros(2, 4), linear_weight=tl.zeros(5, 4), target=tl.tensor([0, 1]))
    call.update(args)
    with pytest.raises(err):
        F.linear_cross_entropy(call.pop("input"), call.pop("linear_weight"), call.pop("target"), **call)
