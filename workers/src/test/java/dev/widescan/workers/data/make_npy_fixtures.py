"""Writes the NumPy fixtures embedded in NpyReaderTest (base64), with NumPy itself.

Run: python3 make_npy_fixtures.py   (prints Java constants; numpy >= 1.17)
"""
import base64
import io

import numpy as np
from numpy.lib import format as npformat


def npy(arr, version=None):
    buf = io.BytesIO()
    npformat.write_array(buf, arr, version=version, allow_pickle=False)
    return buf.getvalue()


def npz(**arrays):
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


fixtures = {
    # C order, little-endian float32, format 1.0
    "F32_C_V1": npy((np.arange(6, dtype="<f4").reshape(2, 3) * 0.5)),
    # Fortran order, big-endian float64, format 2.0
    "F64_BE_FORTRAN_V2": npy(np.asfortranarray(np.arange(24).reshape(2, 3, 4).astype(">f8")), (2, 0)),
    # uint8 labels, format 3.0
    "U1_V3": npy(np.array([3, 1, 4, 1, 5], dtype="|u1"), (3, 0)),
    # signed and 64-bit integers, big-endian int32
    "I4_BE": npy(np.array([[-2, 7], [2147483647, -2147483648]], dtype=">i4")),
    "I8": npy(np.array([-1, 0, 1 << 40], dtype="<i8")),
    # Keras-style data set: deflated zip of four arrays
    "DATASET_NPZ": npz(
        x_train=np.arange(12, dtype=np.uint8).reshape(3, 2, 2) * 20,
        y_train=np.array([0, 2, 1], dtype=np.int64),
        x_test=np.arange(8, dtype=np.float32).reshape(2, 2, 2) / 4,
        y_test=np.array([1, 1], dtype=np.int64),
    ),
}
for name, data in fixtures.items():
    print(f'  static final String {name} =\n      "{base64.b64encode(data).decode()}";')
