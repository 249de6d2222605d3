import gzip

import numpy as np
import pytest

from hippo.adapters.mnist_idx import CANONICAL_SHA256, IdxMnistSource, parse_idx, read_bytes
from hippo.adapters.mnist_samples import PackagedMnistSamples
from hippo.domain.errors import InvalidArgumentError, MnistDataError
from hippo.domain.mnist import MnistSplit
from tests.mnist_files import NAMES, idx_bytes, make_digits, write_idx, write_mnist_dir


@pytest.mark.parametrize("compress", [True, False])
def test_reads_gzip_and_raw_idx_files_as_float32_in_unit_range(tmp_path, compress):
    digests = write_mnist_dir(tmp_path, n_train=30, n_test=12, compress=compress, seed=3)
    data = IdxMnistSource(tmp_path, digests).load()
    raw_x, raw_y = make_digits(30, 3)
    assert data.train.images.shape == (30, 784)
    assert data.train.images.dtype == np.float32
    np.testing.assert_array_equal(
        data.train.images, raw_x.reshape(30, 784).astype(np.float32) / np.float32(255)
    )
    np.testing.assert_array_equal(data.train.labels, raw_y)
    assert len(data.test) == 12
    assert data.digests == digests
    assert data.train.images.min() >= 0.0
    assert data.train.images.max() <= 1.0


def test_validation_slice_is_held_out_from_the_end_of_the_training_set(tmp_path):
    digests = write_mnist_dir(tmp_path, n_train=30, n_test=5)
    full = IdxMnistSource(tmp_path, digests).load()
    data = IdxMnistSource(tmp_path, digests).load(validation_size=10)
    assert (len(data.train), len(data.validation)) == (20, 10)
    np.testing.assert_array_equal(data.validation.labels, full.train.labels[20:])
    with pytest.raises(InvalidArgumentError, match="validation size"):
        full.with_validation(30)


def test_canonical_digests_reject_other_content(tmp_path):
    write_mnist_dir(tmp_path)
    with pytest.raises(MnistDataError, match=r"train-images-idx3-ubyte\.gz: SHA-256 .* expected ba8910"):
        IdxMnistSource(tmp_path).load()
    assert set(CANONICAL_SHA256) == set(NAMES.values())


def test_missing_file_is_named(tmp_path):
    digests = write_mnist_dir(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(MnistDataError, match=r"t10k-labels-idx1-ubyte\(\.gz\) is missing"):
        IdxMnistSource(tmp_path, digests).load()
    assert IdxMnistSource(tmp_path).missing() == ["t10k-labels-idx1-ubyte"]
    with pytest.raises(MnistDataError, match="does not exist"):
        IdxMnistSource(tmp_path / "nope").load()


def test_truncated_gzip_names_the_file(tmp_path):
    write_mnist_dir(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(MnistDataError, match=r"train-images-idx3-ubyte\.gz: the gzip stream is truncated"):
        IdxMnistSource(tmp_path, None).load()


def test_corrupt_gzip_names_the_file(tmp_path):
    write_mnist_dir(tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    data = bytearray(path.read_bytes())
    data[20:30] = b"\xff" * 10
    path.write_bytes(bytes(data))
    with pytest.raises(MnistDataError, match=r"train-labels-idx1-ubyte\.gz"):
        IdxMnistSource(tmp_path, None).load()


def test_bad_magic_number(tmp_path):
    with pytest.raises(MnistDataError, match="bad magic number"):
        parse_idx(b"\x01\x02\x08\x01" + b"\x00" * 8, "f")
    with pytest.raises(MnistDataError, match="not unsigned byte"):
        parse_idx(b"\x00\x00\x0d\x01\x00\x00\x00\x01" + b"\x00" * 4, "f")
    with pytest.raises(MnistDataError, match="too short"):
        parse_idx(b"\x00", "f")
    with pytest.raises(MnistDataError, match="truncated header"):
        parse_idx(b"\x00\x00\x08\x03\x00\x00", "f")


def test_truncated_and_oversized_raw_data(tmp_path):
    data = idx_bytes(np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(
        MnistDataError, match=r"f: truncated: dims \(3, 28, 28\) need 2368 bytes, the file has 2367"
    ):
        parse_idx(data[:-1], "f")
    with pytest.raises(MnistDataError, match="2 unexpected bytes"):
        parse_idx(data + b"xx", "f")


def test_images_and_labels_must_match(tmp_path):
    write_mnist_dir(tmp_path, n_train=10)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(9, np.uint8))
    with pytest.raises(MnistDataError, match="has 10 images but train-labels-idx1-ubyte has 9 labels"):
        IdxMnistSource(tmp_path, None).load()


def test_wrong_dimensions_and_labels_out_of_range(tmp_path):
    write_mnist_dir(tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((60, 27, 28), np.uint8))
    with pytest.raises(MnistDataError, match=r"shape \(n, 28, 28\), got \(60, 27, 28\)"):
        IdxMnistSource(tmp_path, None).load()
    write_mnist_dir(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.full(20, 10, np.uint8))
    with pytest.raises(MnistDataError, match="label 10 is not a digit"):
        IdxMnistSource(tmp_path, None).load()


def test_unreadable_path(tmp_path):
    (tmp_path / "x.gz").mkdir()
    with pytest.raises(MnistDataError, match="cannot read"):
        read_bytes(tmp_path / "x.gz")


def test_gzip_bomb_is_refused(tmp_path):
    path = tmp_path / "big.gz"
    path.write_bytes(gzip.compress(b"\x00" * (65 * 1024 * 1024)))
    with pytest.raises(MnistDataError, match="more than"):
        read_bytes(path)


def test_split_invariants():
    with pytest.raises(InvalidArgumentError, match=r"shape \(n, 784\)"):
        MnistSplit(np.zeros((2, 783), np.float32), np.zeros(2, np.uint8))
    with pytest.raises(InvalidArgumentError, match="labels must have shape"):
        MnistSplit(np.zeros((2, 784), np.float32), np.zeros(3, np.uint8))
    with pytest.raises(InvalidArgumentError, match="float32"):
        MnistSplit(np.zeros((2, 784)), np.zeros(2, np.uint8))


def test_packaged_samples_are_balanced_real_digits():
    samples = PackagedMnistSamples()
    split = samples.samples()
    assert len(split) == 200
    assert np.bincount(split.labels).tolist() == [20] * 10
    assert split.images.dtype == np.float32
    assert split.images.max() == 1.0
    assert 0.1 < float(split.images.mean()) < 0.2  # MNIST digits: mostly background
    indices = samples.test_set_indices()
    assert indices.shape == (200,)
    assert (np.diff(indices) > 0).all()
    assert indices.max() < 10_000
