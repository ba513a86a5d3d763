"""logsumexp, softmax and log_softmax along one dim: primitives for stability (max-shifted)
and speed (numba kernels, parallel over rows, in ``kernels/cpu/rowwise.py``).

The backward rules are composed from Tensor ops, so that they can be differentiated again; in a
plain backward the engine calls the fused backward kernels of softmax and log_softmax instead
(``backward_arrays``).
"""
from tinygrad_losses.autograd import Function


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
        y = self.output()
        return y * (g - (g * y).sum(self.axis, keepdim=True))

    def backward_arrays(self, g):
        return self.backend.softmax_backward(g, self.out, self.axis)


class LogSoftmax(Function):
    saves_inputs, saves_output = False, True

    def forward(self, B, x, axis=-1):
        self.axis = axis
        self.out = B.log_softmax(x, axis)
        return self.out

    def options(self):
        return {"axis": self.axis}

    def backward(self, g):
        return g - self.output().exp() * g.sum(self.axis, keepdim=True)

    def backward_arrays(self, g):
        return self.backend.log_softmax_backward(g, self.out, self.axis)
