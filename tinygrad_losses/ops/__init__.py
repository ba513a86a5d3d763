"""The primitive ops: each one a ``Function`` with a forward on arrays and a backward written
with Tensor ops (the commonest also have ``backward_arrays``, the same rule on arrays, which the
engine calls in a plain backward). Everything else in the engine is composed from these.

  unary.py     Neg Exp Log Log1p Expm1 Sqrt Sin Cos Tanh Sigmoid Abs Sign Relu Clamp Cast
  binary.py    Add Sub Mul Div Pow Maximum Minimum Where ClampTensors
  reduce.py    Sum Amax Norm
  rowwise.py   LogSumExp Softmax LogSoftmax   (numba kernels: speed and stability)
  matmul.py    Matmul
  linear.py    Linear                          (x @ Wᵀ + b as one node)
  special.py   Erf
  movement.py  Reshape Permute Expand Cat
  indexing.py  GetItem IndexAdd Gather ScatterAdd
  transfer.py  ToDevice
"""
import warnings

from tinygrad_losses.ops.unary import Neg, Exp, Log, Log1p, Expm1, Sqrt, Sin, Cos, Tanh, Sigmoid, Abs, Sign, Relu, Clamp, Cast  # noqa: E501,F401
from tinygrad_losses.ops.binary import (Add, Sub, Mul, Div, Pow, Maximum, Minimum, Where,  # noqa: F401
                                        ClampTensors, clamp_tensors)
from tinygrad_losses.ops.reduce import Sum, Amax, Norm  # noqa: F401
from tinygrad_losses.ops.rowwise import LogSumExp, Softmax, LogSoftmax  # noqa: F401
from tinygrad_losses.ops.matmul import Matmul  # noqa: F401
from tinygrad_losses.ops.movement import Reshape, Permute, Expand, Cat  # noqa: F401
from tinygrad_losses.ops.indexing import GetItem, IndexAdd, Gather, ScatterAdd  # noqa: F401
from tinygrad_losses.ops.transfer import ToDevice  # noqa: F401

# log(0) = -inf, 0/0 = nan, exp(1e4) = inf are the defined IEEE results, which torch returns
# silently; numpy also warns. A filter on the warnings our own modules raise costs nothing per op
# (np.errstate around every op would), and numpy's warnings elsewhere are untouched.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"(tinygrad_losses|kernels)(\.|$)")
