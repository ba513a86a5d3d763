"""torch.optim for tinygrad-losses: SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW and the schedulers
StepLR, CosineAnnealingLR and ReduceLROnPlateau (in ``optim.lr_scheduler``, as torch).

Each optimiser follows PyTorch's update rule step by step (same operations in the same order),
so trajectories agree with torch to rounding. Updates are in-place Tensor methods under
``no_grad`` (``p.add_(g, alpha=-lr)``), as in torch's own code. Optimizers and schedulers have
``state_dict()`` / ``load_state_dict()`` to resume training.
"""
from tinygrad_losses.optim.optimizer import Optimizer  # noqa: F401
from tinygrad_losses.optim.sgd import SGD  # noqa: F401
from tinygrad_losses.optim.adagrad import Adagrad  # noqa: F401
from tinygrad_losses.optim.adadelta import Adadelta  # noqa: F401
from tinygrad_losses.optim.rmsprop import RMSprop  # noqa: F401
from tinygrad_losses.optim.adam import Adam, AdamW  # noqa: F401
from tinygrad_losses.optim import lr_scheduler  # noqa: F401
