"""Indexing primitives, in adjoint pairs: GetItem <-> IndexAdd and Gather <-> ScatterAdd.
The backward of each is the other, so gradients of any order exist.
NOTE repeated indices accumulate in the backward (np.add.at), as in torch."""
from tinygrad_losses.autograd import Function


class GetItem(Function):
    """x[index] where ``index`` is already normalised to arrays/slices/ints/None/Ellipsis."""
    saves_inputs = False

    def forward(self, B, x, index=None, basic=True):
        self.index, self.basic = index, basic
        return B.getitem(x, index)

    def backward(self, g):
        x = self.parents[0]
        return IndexAdd.apply(g, shape=x.shape, index=self.index, basic=self.basic)


class IndexAdd(Function):
    """zeros(shape) with ``values`` added at ``index``."""
    saves_inputs = False

    def forward(self, B, values, shape=None, index=None, basic=True):
        self.index, self.basic = index, basic
        return B.index_add(shape, values.dtype, index, values, basic)

    def backward(self, g):
        return GetItem.apply(g, index=self.index, basic=self.basic)


class Gather(Function):
    """torch.gather: out[i][j] = x[i][index[i][j]] along ``axis`` (index: int64 array, validated)."""
    saves_inputs = False

    def forward(self, B, x, axis=0, index=None):
        self.axis, self.index = axis, index
        if index.shape != x.shape:  # torch lets index be smaller than x off the gather axis
            x = B.getitem(x, tuple(slice(0, n) if i != axis else slice(None)
                                   for i, n in enumerate(index.shape)))
        return B.take_along_axis(x, index, axis)

    def backward(self, g):
        return ScatterAdd.apply(g, shape=self.parents[0].shape, axis=self.axis, index=self.index)


class ScatterAdd(Function):
    """zeros(shape) with ``values`` added along ``axis`` at ``index`` (torch.scatter_add onto zeros)."""
    saves_inputs = False

    def forward(self, B, values, shape=None, axis=0, index=None):
        self.axis, self.index = axis, index
        return B.scatter_add_along_axis(shape, values.dtype, index, values, axis)

    def backward(self, g):
        return Gather.apply(g, axis=self.axis, index=self.index)
