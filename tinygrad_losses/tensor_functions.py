"""torch.* style functions that mirror Tensor methods: tl.exp(x), tl.sum(x, dim), ..."""


def _method(name):
    def f(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    f.__name__ = name
    f.__doc__ = f"tl.{name}(input, ...) is input.{name}(...)."
    return f


_NAMES = ["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "abs", "sign", "neg", "square",
          "clamp", "clip", "maximum", "minimum", "sum", "mean", "var", "std", "amax", "amin", "max", "min",
          "argmax", "argmin", "logsumexp", "softmax", "log_softmax", "norm", "reshape", "flatten", "squeeze",
          "unsqueeze", "transpose", "permute", "gather", "isnan", "isinf", "isfinite", "pow", "square",
          "split", "chunk", "broadcast_to", "numel"]
for _name in _NAMES:
    globals()[_name] = _method(_name)

__all__ = list(dict.fromkeys(_NAMES))
