"""``jit``: numba.njit with the on-disk cache on, degrading to no cache.

Modules that use it import numba at their top, so they are imported lazily by
the backend (``import tinygrad_losses`` never imports numba). numba honours
``NUMBA_CACHE_DIR``; where no cache directory is writable, numba refuses
``cache=True`` when decorating, and we compile without a cache instead.
"""
import numba


def jit(**options):
    """Decorator: ``numba.njit(cache=True, **options)``, or without the cache if none can be written."""
    def decorate(func):
        try:
            return numba.njit(cache=True, **options)(func)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(cache=False, **options)(func)
    return decorate
