"""torch.* style functions: ``tl.exp(x)``, ``tl.sum(x, dim)``, ``tl.add(2.5, x)``, ...

Each is the Tensor method of the same name. The binary ones also take a Python number as the
first argument, as torch's do (``tl.add(2.5, t)``, ``tl.pow(2, t)``, ``tl.eq(2, t)``), and give
the same result as the operator written with the number first.
"""
from tinygrad_losses.tensor import Tensor, _rounded_div, _scaled


def _tensor(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be a Tensor, got {type(input).__name__}")
    return input


def _operands(input, other, name):
    """Binary functions need a Tensor on at least one side; the other may be a number."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}(): expected a Tensor as input or other, got {type(input).__name__} and "
                        f"{type(other).__name__}")
    return input, other


# ---- arithmetic (number-first forms allowed) ------------------------------------------------------
def add(input, other, *, alpha=1):
    """input + alpha·other."""
    input, other = _operands(input, other, "add")
    return input + _scaled(other, alpha, input, "add")


def sub(input, other, *, alpha=1):
    """input − alpha·other."""
    input, other = _operands(input, other, "sub")
    return input - _scaled(other, alpha, input, "sub")


subtract = sub


def rsub(input, other, *, alpha=1):
    """other − alpha·input."""
    input, other = _operands(input, other, "rsub")
    return other - _scaled(input, alpha, other, "rsub")


def mul(input, other):
    input, other = _operands(input, other, "mul")
    return input * other


multiply = mul


def div(input, other, *, rounding_mode=None):
    """input / other; rounding_mode 'trunc' or 'floor' rounds the quotient (gradient 0)."""
    input, other = _operands(input, other, "div")
    return input / other if rounding_mode is None else _rounded_div(input, other, rounding_mode)


divide = true_divide = div


def floor_divide(input, other):
    input, other = _operands(input, other, "floor_divide")
    return _rounded_div(input, other, "floor")


def pow(input, exponent):
    input, exponent = _operands(input, exponent, "pow")
    return input ** exponent


def maximum(input, other):
    """Elementwise max (symmetric, so a number first is the same as a number second)."""
    input, other = _operands(input, other, "maximum")
    return input.maximum(other) if isinstance(input, Tensor) else other.maximum(input)


def minimum(input, other):
    input, other = _operands(input, other, "minimum")
    return input.minimum(other) if isinstance(input, Tensor) else other.minimum(input)


# ---- comparisons and logic (number-first forms allowed) -------------------------------------------
def eq(input, other):
    input, other = _operands(input, other, "eq")
    return input == other


def ne(input, other):
    input, other = _operands(input, other, "ne")
    return input != other


def lt(input, other):
    input, other = _operands(input, other, "lt")
    return input < other


def le(input, other):
    input, other = _operands(input, other, "le")
    return input <= other


def gt(input, other):
    input, other = _operands(input, other, "gt")
    return input > other


def ge(input, other):
    input, other = _operands(input, other, "ge")
    return input >= other


def logical_not(input):
    return _tensor(input, "logical_not").logical_not()


def logical_and(input, other):
    return _tensor(input, "logical_and").logical_and(other)


def logical_or(input, other):
    return _tensor(input, "logical_or").logical_or(other)


def logical_xor(input, other):
    return _tensor(input, "logical_xor").logical_xor(other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _tensor(input, "allclose").allclose(other, rtol, atol, equal_nan)


def isnan(input):
    return _tensor(input, "isnan").isnan()


def isinf(input):
    return _tensor(input, "isinf").isinf()


def isfinite(input):
    return _tensor(input, "isfinite").isfinite()


# ---- elementwise math -----------------------------------------------------------------------------
def exp(input):
    return _tensor(input, "exp").exp()


def log(input):
    return _tensor(input, "log").log()


def log1p(input):
    return _tensor(input, "log1p").log1p()


def expm1(input):
    return _tensor(input, "expm1").expm1()


def sqrt(input):
    return _tensor(input, "sqrt").sqrt()


def rsqrt(input):
    return _tensor(input, "rsqrt").rsqrt()


def sin(input):
    return _tensor(input, "sin").sin()


def cos(input):
    return _tensor(input, "cos").cos()


def abs(input):
    return _tensor(input, "abs").abs()


def sign(input):
    return _tensor(input, "sign").sign()


def neg(input):
    return -_tensor(input, "neg")


def square(input):
    return _tensor(input, "square").square()


def reciprocal(input):
    return _tensor(input, "reciprocal").reciprocal()


def floor(input):
    return _tensor(input, "floor").floor()


def trunc(input):
    return _tensor(input, "trunc").trunc()


def clamp(input, min=None, max=None):
    return _tensor(input, "clamp").clamp(min, max)


clip = clamp


def clamp_min(input, min):
    return _tensor(input, "clamp_min").clamp_min(min)


def clamp_max(input, max):
    return _tensor(input, "clamp_max").clamp_max(max)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return _tensor(input, "nan_to_num").nan_to_num(nan, posinf, neginf)


# ---- reductions -----------------------------------------------------------------------------------
def sum(input, dim=None, keepdim=False, dtype=None, *, axis=None):
    return _tensor(input, "sum").sum(dim, keepdim, dtype, axis=axis)


def mean(input, dim=None, keepdim=False, dtype=None, *, axis=None):
    return _tensor(input, "mean").mean(dim, keepdim, dtype, axis=axis)


def var(input, dim=None, correction=1, keepdim=False, unbiased=None):
    return _tensor(input, "var").var(dim, correction, keepdim, unbiased)


def std(input, dim=None, correction=1, keepdim=False, unbiased=None):
    return _tensor(input, "std").std(dim, correction, keepdim, unbiased)


def amax(input, dim=None, keepdim=False):
    return _tensor(input, "amax").amax(dim, keepdim)


def amin(input, dim=None, keepdim=False):
    return _tensor(input, "amin").amin(dim, keepdim)


def max(input, dim=None, keepdim=False):
    """The largest value; with ``dim`` (values, indices); with a Tensor second, the elementwise maximum."""
    return _tensor(input, "max").max(dim, keepdim)


def min(input, dim=None, keepdim=False):
    return _tensor(input, "min").min(dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    return _tensor(input, "argmax").argmax(dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    return _tensor(input, "argmin").argmin(dim, keepdim)


def logsumexp(input, dim, keepdim=False):
    return _tensor(input, "logsumexp").logsumexp(dim, keepdim)


def softmax(input, dim, dtype=None):
    return _tensor(input, "softmax").softmax(dim, dtype)


def log_softmax(input, dim, dtype=None):
    return _tensor(input, "log_softmax").log_softmax(dim, dtype)


def norm(input, p="fro", dim=None, keepdim=False):
    return _tensor(input, "norm").norm(p, dim, keepdim)


def sort(input, dim=-1, descending=False, stable=False):
    return _tensor(input, "sort").sort(dim, descending, stable)


def topk(input, k, dim=-1, largest=True, sorted=True):
    return _tensor(input, "topk").topk(k, dim, largest, sorted)


# ---- shape and indexing ---------------------------------------------------------------------------
def reshape(input, *shape):
    return _tensor(input, "reshape").reshape(*shape)


def flatten(input, start_dim=0, end_dim=-1):
    return _tensor(input, "flatten").flatten(start_dim, end_dim)


def squeeze(input, dim=None):
    return _tensor(input, "squeeze").squeeze(dim)


def unsqueeze(input, dim):
    return _tensor(input, "unsqueeze").unsqueeze(dim)


def transpose(input, dim0, dim1):
    return _tensor(input, "transpose").transpose(dim0, dim1)


def permute(input, *dims):
    return _tensor(input, "permute").permute(*dims)


def broadcast_to(input, *shape):
    return _tensor(input, "broadcast_to").broadcast_to(*shape)


def split(input, split_size_or_sections, dim=0):
    return _tensor(input, "split").split(split_size_or_sections, dim)


def chunk(input, chunks, dim=0):
    return _tensor(input, "chunk").chunk(chunks, dim)


def gather(input, dim, index):
    return _tensor(input, "gather").gather(dim, index)


def scatter(input, dim, index, src=None, *, value=None):
    return _tensor(input, "scatter").scatter(dim, index, src, value=value)


def scatter_add(input, dim, index, src):
    return _tensor(input, "scatter_add").scatter_add(dim, index, src)


def index_select(input, dim, index):
    return _tensor(input, "index_select").index_select(dim, index)


def masked_fill(input, mask, value):
    return _tensor(input, "masked_fill").masked_fill(mask, value)


def mm(input, mat2):
    return _tensor(input, "mm").mm(mat2)


def numel(input):
    return _tensor(input, "numel").numel()


__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
           "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "logical_not", "logical_and",
           "logical_or", "logical_xor", "allclose", "isnan", "isinf", "isfinite", "exp", "log", "log1p", "expm1",
           "sqrt", "rsqrt", "sin", "cos", "abs", "sign", "neg", "square", "reciprocal", "floor", "trunc", "clamp",
           "clip", "clamp_min", "clamp_max", "nan_to_num", "sum", "mean", "var", "std", "amax", "amin", "max",
           "min", "argmax", "argmin", "logsumexp", "softmax", "log_softmax", "norm", "sort", "topk", "reshape",
           "flatten", "squeeze", "unsqueeze", "transpose", "permute", "broadcast_to", "split", "chunk", "gather",
           "scatter", "scatter_add", "index_select", "masked_fill", "mm", "numel"]
