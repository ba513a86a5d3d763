"""torch.optim for tinygrad-losses: SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW and two schedulers.

Each optimiser follows PyTorch's update rule step by step (same operations in the same order),
so trajectories agree with torch to rounding. Updates work on the parameters' arrays in place,
outside the graph, like torch's ``with torch.no_grad()`` updates.
"""
from tinygrad_losses.optim.optimizer import Optimizer  # noqa: F401
from tinygrad_losses.optim.sgd import SGD  # noqa: F401
from tinygrad_losses.optim.adagrad import Adagrad  # noqa: F401
from tinygrad_losses.optim.adadelta import Adadelta  # noqa: F401
from tinygrad_losses.optim.rmsprop import RMSprop  # noqa: F401
from tinygrad_losses.optim.adam import Adam, AdamW  # noqa: F401
from tinygrad_losses.optim import lr_scheduler  # noqa: F401
