"""Shape primitives: reshape, permute, expand (all views) and cat."""
from tinygrad_losses.autograd import Function
from tinygrad_losses.ops.broadcast import sum_array_to_shape, sum_to_shape


class Reshape(Function):
    saves_inputs, is_view = False, True

    def forward(self, B, x, shape=None):
        return B.reshape(x, shape)

    def backward(self, g):
        return g.reshape(self.parents[0].shape)

    def backward_arrays(self, g):
        return self.backend.reshape(g, self.parents[0].shape)


class Permute(Function):
    saves_inputs, is_view = False, True

    def forward(self, B, x, axes=None):
        self.axes = axes
        return B.transpose(x, axes)

    def backward(self, g):
        inverse = [0] * len(self.axes)
        for i, a in enumerate(self.axes):
            inverse[a] = i
        return g.permute(*inverse)


class Expand(Function):
    saves_inputs, is_view = False, True

    def forward(self, B, x, shape=None):
        return B.broadcast_to(x, shape)

    def backward(self, g):
        return sum_to_shape(g, self.parents[0].shape)

    def backward_arrays(self, g):
        return sum_array_to_shape(self.backend, g, self.parents[0].shape)


class Cat(Function):
    saves_inputs = False

    def forward(self, B, *xs, axis=0):
        self.axis = axis
        return B.concatenate(xs, axis)

    def backward(self, g):
        grads, start = [], 0
        lead = (slice(None),) * self.axis
        for x in self.parents:
            stop = start + x.shape[self.axis]
            grads.append(g[lead + (slice(start, stop),)] if x.requires_grad else None)
            start = stop
        return tuple(grads)
