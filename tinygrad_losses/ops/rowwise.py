"""logsumexp, softmax and log_softmax along one dim: primitives for stability (max-shifted)
and speed (numba kernels, parallel over rows, in ``kernels/cpu/rowwise.py``).

The first-order backward of softmax and log_softmax calls the fused backward kernel; with
create_graph=True (and for logsumexp always) it is composed from Tensor ops, so that it can be
differentiated again.
"""
from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.broadcast import first_order, wrap


class LogSumExp(Function):
    saves_output = True

    def forward(self, B, x, axis=-1, keepdim=False):
        self.axis, self.keepdim = axis, keepdim
        self.out = B.logsumexp(x, axis, True)
        return self.out if keepdim else B.reshape(self.out, self.out.shape[:axis] + self.out.shape[axis + 1:])

    def options(self):
        return {"axis": self.axis, "keepdim": True}

    def backward(self, g):
        x = self.parents[0]
        if not self.keepdim:
            g = g.unsqueeze(self.axis)
        return g * (x - self.output()).exp()


class Softmax(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x, axis=-1):
        self.axis = axis
        self.out = B.softmax(x, axis)
        return self.out

    def options(self):
        return {"axis": self.axis}

    def backward(self, g):
        if first_order():
            return wrap(g._backend.softmax_backward(g._data, self.out, self.axis), g)
        y = self.output()
        return y * (g - (g * y).sum(self.axis, keepdim=True))


class LogSoftmax(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x, axis=-1):
        self.axis = axis
        self.out = B.log_softmax(x, axis)
        return self.out

    def options(self):
        return {"axis": self.axis}

    def backward(self, g):
        if first_order():
            return wrap(g._backend.log_softmax_backward(g._data, self.out, self.axis), g)
        return g - self.output().exp() * g.sum(self.axis, keepdim=True)
