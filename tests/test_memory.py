"""Memory and overhead: graphs are freed by reference counting alone, a long training loop
does not grow memory, and a tiny op stays cheap."""
import gc
import sys
import time
import timeit
import tracemalloc
import weakref

import numpy as np

import tinygrad_losses as tl


def _tiny_model():
    """One step of gradient descent on ||w - t||^2 (a handful of ops forward and backward)."""
    t = tl.tensor([1.0, -2.0, 0.5])
    w = tl.zeros(3, requires_grad=True)

    def step():
        d = w - t
        loss = (d * d).sum()
        w.grad = None
        loss.backward()
        with tl.no_grad():
            w.sub_(w.grad * 0.1)
        return loss

    return w, t, step


def test_training_loop_of_100k_steps_does_not_grow_memory():
    w, t, step = _tiny_model()
    gc.collect()
    gc.disable()  # the graph must be freed by reference counting alone (no cycles)
    try:
        for _ in range(2_000):  # warm up numpy's and the engine's caches
            step()
        # tracemalloc over a window: a leak of even a few bytes per step shows as kilobytes
        tracemalloc.start()
        for _ in range(1_000):
            step()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(4_000):
            step()
        after, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # the rest of the 10^5 steps untraced (tracing is slow), counting live Python memory blocks
        blocks = sys.getallocatedblocks()
        for _ in range(93_000):
            step()
        blocks_growth = sys.getallocatedblocks() - blocks
    finally:
        gc.enable()
    assert after - before < 4_000, f"traced memory grew by {after - before} bytes over 4000 steps"
    assert blocks_growth < 500, f"{blocks_growth} more memory blocks after 93000 steps"
    np.testing.assert_allclose(w.numpy(), t.numpy(), rtol=1e-6)  # and it did train


def test_backward_frees_intermediates_even_while_the_loss_is_kept():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    loss = (h * h).sum()
    ref = weakref.ref(h)
    del h
    assert ref() is not None   # held by the graph
    loss.backward()
    assert ref() is None       # freed with the graph, though ``loss`` is alive
    assert loss.item() > 0


def test_the_structure_left_by_backward_goes_with_the_loss():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * 2).sum()
    loss.backward()
    nodes = [weakref.ref(loss.grad_fn), weakref.ref(loss.grad_fn.parents[0].grad_fn)]
    gc.disable()  # by reference counting alone: the freed structure holds no cycle
    try:
        assert all(r() is not None for r in nodes)  # kept for pictures while the loss lives
        del loss
        assert all(r() is None for r in nodes)
    finally:
        gc.enable()


def test_keeping_each_steps_loss_does_not_grow_memory():
    """The freed structure lives as long as its loss: a loop that keeps the last loss (for a
    picture, or a log) must not accumulate the structures of earlier steps."""
    w, t, step = _tiny_model()
    gc.collect()
    gc.disable()
    try:
        kept = None
        for _ in range(2_000):
            kept = step()
        tracemalloc.start()
        for _ in range(1_000):
            kept = step()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(17_000):
            kept = step()
        after, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        gc.enable()
    assert kept.grad_fn.freed
    assert after - before < 4_000, f"traced memory grew by {after - before} bytes over 17000 steps"


def test_retain_graph_keeps_intermediates_until_the_loss_dies():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    loss = (h * h).sum()
    ref = weakref.ref(h)
    del h
    loss.backward(retain_graph=True)
    assert ref() is not None
    del loss
    assert ref() is None


def test_no_grad_builds_no_graph():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    with tl.no_grad():
        h = x * 2
        y = h * 3
    assert y.grad_fn is None and h.grad_fn is None
    ref = weakref.ref(h)
    del h
    assert ref() is None       # nothing holds the intermediate


def test_create_graph_gradients_do_not_leak():
    x = tl.tensor([0.5, -1.0], requires_grad=True)
    gc.collect()
    gc.disable()
    try:
        for _ in range(500):  # warm up (with gc off, as below: its first steps allocate a one-off ~2000 blocks)
            (g,) = tl.grad((x.sin() * x).sum(), x, create_graph=True)
            g.sum().backward()
            x.grad = None
        blocks = sys.getallocatedblocks()
        for _ in range(1_000):
            (g,) = tl.grad((x.sin() * x).sum(), x, create_graph=True)
            g.sum().backward()
            x.grad = None
        growth = sys.getallocatedblocks() - blocks
    finally:
        gc.enable()
    assert growth < 200, f"{growth} more memory blocks after 1000 double-backward steps"


def test_tiny_binary_op_with_grad_tracking_is_under_10_microseconds():
    a = tl.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = tl.tensor([4.0, 5.0, 6.0])
    number = 2_000
    timer = timeit.Timer(lambda: a * b, timer=time.process_time)  # CPU time: robust on a busy CI machine
    best = min(timer.repeat(number=number, repeat=15)) / number
    assert best < 10e-6, f"a * b on 3 elements took {best * 1e6:.1f} us"
