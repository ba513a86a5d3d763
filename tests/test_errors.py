"""Bad input gets a clear exception of torch's type, raised by our code (never an error from
inside numpy), whose message names the argument, what was expected and what was received."""
import os
import traceback

import numpy as np
import pytest

import tinygrad_losses as tl

ENGINE_DIRS = tuple(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), d) + os.sep
                    for d in ("tinygrad_losses", "kernels"))


def x23():
    return tl.ones(2, 3)


def leaf(*shape):
    return tl.ones(*shape, requires_grad=True)


# (id, callable, exception type, regex the message must match)
ERRORS = [
    # shapes in binary ops and matmul: both shapes named
    ("add_shapes", lambda: x23() + tl.ones(4), RuntimeError,
     r"size of tensor a \(3\).*tensor b \(4\).*\(2, 3\) and \(4,\)"),
    ("mul_shapes", lambda: tl.ones(3, 1, 2) * tl.ones(4, 3), RuntimeError, r"\(3, 1, 2\) and \(4, 3\)"),
    ("pow_shapes", lambda: x23() ** tl.ones(2), RuntimeError, r"\(2, 3\) and \(2,\)"),
    ("maximum_shapes", lambda: x23().maximum(tl.ones(4)), RuntimeError, r"\(2, 3\) and \(4,\)"),
    ("eq_shapes", lambda: x23() == tl.ones(4), RuntimeError, r"\(2, 3\) and \(4,\)"),
    ("and_shapes", lambda: (x23() > 0) & (tl.ones(4) > 0), RuntimeError, r"\(2, 3\) and \(4,\)"),
    ("where_shapes", lambda: tl.where(tl.ones(3) > 0, tl.ones(2), tl.ones(2)), RuntimeError, r"\(3,\), \(2,\)"),
    ("matmul_inner", lambda: x23() @ tl.ones(4, 5), RuntimeError, r"\(2, 3\) and \(4, 5\)"),
    ("matmul_vec", lambda: tl.ones(3) @ tl.ones(4), RuntimeError, r"\(3,\) and \(4,\)"),
    ("matmul_batch", lambda: tl.ones(2, 2, 3) @ tl.ones(3, 3, 2), RuntimeError, r"\(2, 2, 3\) and \(3, 3, 2\)"),
    ("matmul_0d", lambda: tl.tensor(1.0) @ x23(), RuntimeError, r"at least 1 dim.*\(\) and \(2, 3\)"),
    ("matmul_type", lambda: x23() @ np.ones((3, 2)), TypeError, r"ndarray"),
    ("cat_shapes", lambda: tl.cat([x23(), tl.ones(3, 2)]), RuntimeError, r"tensors\[1\] has shape \(3, 2\)"),
    ("stack_shapes", lambda: tl.stack([tl.ones(2), tl.ones(3)]), RuntimeError, r"\(2,\).*\(3,\)"),
    ("reshape", lambda: x23().reshape(4), RuntimeError, r"\(4,\) is invalid .* \(2, 3\)"),
    ("reshape_neg", lambda: tl.ones(4).reshape(-2, 2), RuntimeError, r"\(-2, 2\)"),
    ("reshape_two_neg1", lambda: tl.ones(4).reshape(-1, -1), RuntimeError, r"\(-1, -1\)"),
    ("expand", lambda: x23().expand(4, 3), RuntimeError, r"\(2, 3\) cannot be expanded to \(4, 3\)"),
    ("backward_grad_shape", lambda: (leaf(2) * 2).backward(tl.ones(3)), RuntimeError, r"\(3,\).*\(2,\)"),
    # bad dims name the ndim
    ("sum_dim", lambda: x23().sum(2), IndexError, r"range of \[-2, 1\], but got 2\).*2 dims"),
    ("sum_negdim", lambda: x23().sum(-3), IndexError, r"got -3"),
    ("sum_dim_type", lambda: x23().sum(1.0), TypeError, r"dim must be an int, got float"),
    ("sum_dim_repeat", lambda: x23().sum((1, -1)), RuntimeError, r"multiple times"),
    ("softmax_dim", lambda: x23().softmax(5), IndexError, r"got 5\).*2 dims"),
    ("log_softmax_dim", lambda: x23().log_softmax(-3), IndexError, r"got -3"),
    ("logsumexp_dim", lambda: x23().logsumexp(2), IndexError, r"2 dims"),
    ("max_dim", lambda: x23().max(2), IndexError, r"2 dims"),
    ("argmax_dim", lambda: x23().argmax(-3), IndexError, r"2 dims"),
    ("norm_dim", lambda: x23().norm(dim=4), IndexError, r"2 dims"),
    ("transpose_dim", lambda: x23().transpose(0, 2), IndexError, r"2 dims"),
    ("unsqueeze_dim", lambda: x23().unsqueeze(4), IndexError, r"got 4"),
    ("unsqueeze_type", lambda: x23().unsqueeze(1.5), TypeError, r"dim must be an int"),
    ("squeeze_dim", lambda: x23().squeeze(3), IndexError, r"2 dims"),
    ("gather_dim", lambda: x23().gather(2, tl.tensor([[0]])), IndexError, r"2 dims"),
    ("cat_dim", lambda: tl.cat([x23(), x23()], dim=3), IndexError, r"got 3"),
    ("stack_dim", lambda: tl.stack([tl.ones(2)], dim=3), IndexError, r"got 3"),
    ("permute_len", lambda: x23().permute(0), RuntimeError, r"1 dims .* 2 dims"),
    ("permute_repeat", lambda: x23().permute(1, 1), RuntimeError, r"repeated dim"),
    ("split_zero", lambda: x23().split(0), RuntimeError, r"split_size must be a positive int, got 0"),
    ("split_sizes", lambda: x23().split([1, 1], dim=1), RuntimeError, r"sum exactly to 3"),
    ("chunk_zero", lambda: x23().chunk(0), RuntimeError, r"chunks must be a positive int, got 0"),
    ("flatten_order", lambda: tl.ones(2, 3, 4).flatten(2, 1), RuntimeError, r"start_dim"),
    # empty reductions
    ("amax_empty", lambda: tl.ones(0).amax(), RuntimeError, r"amax\(\).*size 0.*\(0,\)"),
    ("max_dim_empty", lambda: tl.ones(0, 2).max(0), IndexError, r"size 0.*\(0, 2\)"),
    ("argmax_empty", lambda: tl.ones(0).argmax(), IndexError, r"argmax\(\)"),
    # dtypes
    ("int_requires_grad", lambda: tl.tensor([1, 2], requires_grad=True), RuntimeError, r"floating point.*int64"),
    ("int_requires_grad_", lambda: tl.arange(3).requires_grad_(), RuntimeError, r"floating point.*int64"),
    ("bool_requires_grad", lambda: tl.zeros(2, dtype=tl.bool_, requires_grad=True), RuntimeError, r"bool"),
    ("mean_int", lambda: tl.tensor([1, 2]).mean(), RuntimeError, r"mean\(\).*int64"),
    ("var_int", lambda: tl.tensor([1, 2]).var(), RuntimeError, r"int64"),
    ("int_neg_pow", lambda: tl.tensor([2]) ** -1, RuntimeError, r"negative integer powers"),
    ("bool_sub", lambda: tl.tensor([True]) - tl.tensor([False]), RuntimeError, r"bool.*~"),
    ("bool_neg", lambda: -tl.tensor([True]), TypeError, r"~"),
    ("float_and", lambda: x23() & x23(), TypeError, r"bool tensors, got float32"),
    ("float_invert", lambda: ~x23(), TypeError, r"float32"),
    ("where_cond", lambda: tl.where(tl.ones(2), tl.ones(2), 0.0), TypeError, r"condition must be a bool.*float32"),
    ("gather_index_dtype", lambda: x23().gather(1, tl.tensor([[0.0]])), RuntimeError, r"int64 index, got float32"),
    ("gather_bounds", lambda: x23().gather(1, tl.tensor([[3]])), RuntimeError, r"index 3 is out of bounds.*size 3"),
    ("gather_ndim", lambda: x23().gather(1, tl.tensor([0])), RuntimeError, r"1 dims .* 2"),
    ("index_float_tensor", lambda: x23()[tl.tensor([0.0])], IndexError, r"integer or bool, got float32"),
    ("index_type", lambda: x23()[1.5], IndexError, r"float"),
    ("index_bounds", lambda: x23()[5], IndexError, r"\(2, 3\)"),
    ("index_too_many", lambda: x23()[0, 0, 0], IndexError, r"\(2, 3\)"),
    ("index_mask_shape", lambda: x23()[tl.tensor([True, False, True])], IndexError, r"\(2, 3\)"),
    ("index_step", lambda: x23()[::-1], ValueError, r"step"),
    ("one_hot_dtype", lambda: tl.one_hot(tl.tensor([1.0])), TypeError, r"int64.*float32"),
    ("one_hot_range", lambda: tl.one_hot(tl.tensor([5]), 3), RuntimeError, r"5.*num_classes=3"),
    # construction
    ("tensor_ragged", lambda: tl.tensor([[1, 2], [3]]), ValueError, r"rectangular"),
    ("tensor_str", lambda: tl.tensor("abc"), TypeError, r"unsupported data"),
    ("tensor_none", lambda: tl.tensor(None), TypeError, r"unsupported data"),
    ("tensor_complex", lambda: tl.tensor([1j]), TypeError, r"complex"),
    ("dtype_name", lambda: tl.tensor([1], dtype="foo"), TypeError, r"unknown dtype 'foo'"),
    ("dtype_complex", lambda: tl.tensor([1], dtype=np.complex64), TypeError, r"complex64"),
    ("device", lambda: tl.tensor([1], device="tpu"), ValueError, r"unknown device 'tpu'"),
    ("zeros_negative", lambda: tl.zeros(-1), RuntimeError, r"negative dimension"),
    ("zeros_float", lambda: tl.zeros(2.5), TypeError, r"shape of ints"),
    ("randn_negative", lambda: tl.randn(2, -1), RuntimeError, r"negative dimension"),
    ("eye_negative", lambda: tl.eye(-1), RuntimeError, r"negative dimension"),
    ("arange_step0", lambda: tl.arange(0, 5, 0), RuntimeError, r"step must be nonzero"),
    ("arange_sign", lambda: tl.arange(0, 5, -1), RuntimeError, r"inconsistent.*step=-1"),
    ("cat_empty", lambda: tl.cat([]), ValueError, r"non-empty"),
    ("cat_type", lambda: tl.cat([x23(), 1]), TypeError, r"tensors\[1\] is a int"),
    ("binary_type", lambda: x23() + "a", TypeError, r"Tensor and str"),
    ("binary_list", lambda: x23() * [1, 2, 3], TypeError, r"Tensor and list"),
    ("clamp_none", lambda: x23().clamp(), ValueError, r"at least one of min and max"),
    ("clamp_type", lambda: x23().clamp("a"), TypeError, r"min must be a number"),
    ("norm_p", lambda: x23().norm(p="nuc"), ValueError, r"'nuc'"),
    ("manual_seed", lambda: tl.manual_seed(1.5), TypeError, r"int, got float"),
    # conversions
    ("item", lambda: x23().item(), RuntimeError, r"6 elements.*\(2, 3\)"),
    ("bool", lambda: bool(x23()), RuntimeError, r"ambiguous"),
    ("len_0d", lambda: len(tl.tensor(1.0)), TypeError, r"0-d"),
    ("index_0d_float", lambda: [1, 2][tl.tensor(1.0)], TypeError, r"integer tensors"),
    # autograd
    ("backward_nonscalar", lambda: (leaf(3) * 2).backward(), RuntimeError, r"shape \(3,\).*pass a gradient.*ones_like"),
    ("backward_no_graph", lambda: x23().sum().backward(), RuntimeError, r"does not require grad"),
    ("grad_input_type", lambda: tl.grad(leaf(1).sum(), [1]), TypeError, r"inputs\[0\] must be a Tensor, got int"),
    ("grad_input_no_grad", lambda: tl.grad(leaf(1).sum(), [x23()]), RuntimeError, r"inputs\[0\] does not require grad"),
    ("grad_outputs_len", lambda: tl.grad([leaf(1) * 2], [leaf(1)], [tl.ones(1), tl.ones(1)]), ValueError,
     r"1 outputs but 2"),
    ("inplace_requires_grad", lambda: leaf(2).mul_(2), RuntimeError, r"mul_.*no_grad"),
    ("setitem_requires_grad", lambda: leaf(2).__setitem__(0, 1.0), RuntimeError, r"no_grad"),
    ("requires_grad_false_nonleaf", lambda: (leaf(1) * 2).requires_grad_(False), RuntimeError, r"detach"),
    ("retain_grad_no_grad", lambda: x23().retain_grad(), RuntimeError, r"does not require grad"),
    ("copy_shape", lambda: x23().copy_(tl.ones(4)), RuntimeError, r"\(4,\).*\(2, 3\)"),
    ("add_shape_inplace", lambda: x23().add_(tl.ones(4)), RuntimeError, r"\(2, 3\) and \(4,\)"),
    ("inplace_expanded", lambda: tl.zeros(3, 1).expand(3, 4).add_(1), RuntimeError, r"add_.*expanded.*clone"),
    ("fill_type", lambda: x23().fill_("a"), TypeError, r"fill_.*'a'"),
    ("gradcheck_no_inputs", lambda: tl.gradcheck(lambda t: t, [x23()]), ValueError, r"no input requires grad"),
]


def _raised_by_engine(exc):
    """True when the frame that raised is our code (not numpy's or Python's internals)."""
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return frame.filename.startswith(ENGINE_DIRS) or frame.filename == __file__


@pytest.mark.parametrize("name,fn,exc,pattern", ERRORS, ids=[e[0] for e in ERRORS])
def test_error(name, fn, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        fn()
    assert type(info.value) is exc or name == "index_0d_float"
    assert _raised_by_engine(info.value), f"raised from {traceback.extract_tb(info.tb)[-1].filename}"


TORCH_TYPES = [  # the same mistakes in torch raise the same exception type
    ("add_shapes", lambda M: M.ones(2, 3) + M.ones(4)),
    ("matmul_inner", lambda M: M.ones(2, 3) @ M.ones(4, 5)),
    ("sum_dim", lambda M: M.ones(2, 3).sum(2)),
    ("softmax_dim", lambda M: M.ones(2, 3).softmax(5)),
    ("reshape", lambda M: M.ones(2, 3).reshape(4)),
    ("expand", lambda M: M.ones(2, 3).expand(4, 3)),
    ("item", lambda M: M.ones(2, 3).item()),
    ("int_requires_grad", lambda M: M.tensor([1, 2]).requires_grad_()),
    ("mean_int", lambda M: M.tensor([1, 2]).mean()),
    ("split_zero", lambda M: M.ones(2, 3).split(0)),
    ("chunk_zero", lambda M: M.ones(2, 3).chunk(0)),
    ("amax_empty", lambda M: M.ones(0).amax()),
    ("max_dim_empty", lambda M: M.ones(0, 2).max(0)),
    ("argmax_empty", lambda M: M.ones(0).argmax()),
    ("bool_sub", lambda M: M.tensor([True]) - M.tensor([False])),
    ("zeros_negative", lambda M: M.zeros(-1)),
    ("arange_sign", lambda M: M.arange(0, 5, -1)),
    ("gather_index_dtype", lambda M: M.ones(2, 3).gather(1, M.tensor([[0.0]]))),
    ("index_bounds", lambda M: M.ones(2, 3)[5]),
    ("transpose_dim", lambda M: M.ones(2, 3).transpose(0, 2)),
    ("int_neg_pow", lambda M: M.tensor([2]) ** -1),
    ("permute_repeat", lambda M: M.ones(2, 3).permute(1, 1)),
]


@pytest.mark.parametrize("name,torch_fn", TORCH_TYPES, ids=[t[0] for t in TORCH_TYPES])
def test_error_type_matches_torch(name, torch_fn):
    torch = pytest.importorskip("torch")
    expected = {e[0]: e[2] for e in ERRORS}[name]
    with pytest.raises(Exception) as info:
        torch_fn(torch)
    assert isinstance(info.value, expected), (type(info.value), expected)


def test_backward_non_scalar_error_message_names_what_to_pass():
    y = leaf(2, 2) * 3
    with pytest.raises(RuntimeError) as info:
        y.backward()
    assert "gradient" in str(info.value) and "(2, 2)" in str(info.value)
    y.backward(tl.ones_like(y))   # the suggested fix works


def test_freed_graph_error_says_retain_graph():
    y = (leaf(2) * leaf(2)).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
