"""Saving and loading in the safetensors format: round trips, files PyTorch reads, and clear
errors for mismatched or malformed files."""
import numpy as np
import pytest

import tinygrad_losses as tl
from tinygrad_losses import nn


def _net(seed=0, out=3):
    tl.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, out))


def test_round_trip(tmp_path):
    a, b = _net(0), _net(1)
    path = tmp_path / "model.safetensors"
    nn.save(a, path)
    x = tl.randn(5, 2)
    assert not np.array_equal(a(x).numpy(), b(x).numpy())
    assert nn.load(b, path) == ([], [])
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    assert b[0].weight.requires_grad  # still parameters after loading


def test_file_is_not_a_pickle_and_has_the_dtypes(tmp_path):
    path = tmp_path / "t.safetensors"
    nn.save_file({"a": tl.tensor([1.0, 2.0], dtype=tl.float64), "i": tl.tensor([1, 2, 3])}, path,
                 metadata={"note": "x"})
    raw = path.read_bytes()
    assert not raw.startswith(b"\x80")  # a pickle starts with the PROTO opcode
    loaded = nn.load_file(path)
    assert loaded["a"].dtype == np.float64 and loaded["i"].dtype == np.int64
    np.testing.assert_array_equal(loaded["i"].numpy(), [1, 2, 3])


def test_pytorch_loads_our_file(tmp_path):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    ours = _net()
    path = tmp_path / "model.safetensors"
    nn.save(ours, path)
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    theirs.load_state_dict(st_torch.load_file(str(path)))  # strict: the names are torch's
    x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.tensor(x)).detach().numpy(), ours(tl.tensor(x)).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_mismatches_are_listed(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save(_net(out=4), path)
    with pytest.raises(ValueError, match=r"2.weight: shape \(4, 8\) in the file, \(3, 8\) in the model"):
        nn.load(_net(), path)
    nn.save_file({"0.weight": tl.zeros(8, 2, dtype=tl.float64)}, path)
    with pytest.raises(ValueError) as info:
        nn.load(_net(), path)
    text = str(info.value)
    assert "missing in the file: ['0.bias', '2.weight', '2.bias']" in text
    assert "0.weight: dtype float64 in the file, float32 in the model" in text


def test_non_strict_loading(tmp_path):
    path = tmp_path / "part.safetensors"
    src = _net(5)
    nn.save_file({"0.weight": src[0].weight, "extra": tl.zeros(1)}, path)
    dst = _net(6)
    missing, unexpected = nn.load(dst, path, strict=False)
    assert missing == ["0.bias", "2.weight", "2.bias"] and unexpected == ["extra"]
    np.testing.assert_array_equal(dst[0].weight.numpy(), src[0].weight.numpy())


def test_malformed_and_missing_files(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        nn.load_file(bad)
    truncated = tmp_path / "truncated.safetensors"
    nn.save(_net(), truncated)
    truncated.write_bytes(truncated.read_bytes()[:-10])
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        nn.load(_net(), truncated)
    with pytest.raises(FileNotFoundError, match="no such file"):
        nn.load_file(tmp_path / "nope.safetensors")


def test_save_file_checks_its_input(tmp_path):
    with pytest.raises(TypeError, match="must be a Tensor or numpy array"):
        nn.save_file({"a": [1, 2]}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="dict of name"):
        nn.save_file([tl.zeros(2)], tmp_path / "x.safetensors")
