#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset bundled with widescan.

Takes the FIRST 2000 training and FIRST 1000 test images and labels from the Debian package
dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/) and writes them as gzip IDX files with
the reduced counts in their headers. The gzip stream has mtime 0 and no file name, so re-running
the script gives byte-identical files.

Usage: python3 make_subset.py [SOURCE_DIR] [TARGET_DIR]
"""
import gzip
import io
import os
import struct
import sys

SPLITS = {"train": 2000, "t10k": 1000}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    ndim = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim]))
    return magic, dims, raw[4 + 4 * ndim:]


def write_idx(path, magic, dims, payload):
    buf = io.BytesIO()
    # GzipFile with an empty name and mtime 0 keeps the output deterministic.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        g.write(struct.pack(">I", magic))
        g.write(struct.pack(">" + "I" * len(dims), *dims))
        g.write(payload)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for split, count in SPLITS.items():
        for kind in ("images-idx3", "labels-idx1"):
            name = f"{split}-{kind}-ubyte.gz"
            magic, dims, payload = read_idx(os.path.join(src, name))
            item = 1
            for d in dims[1:]:
                item *= d
            if dims[0] < count:
                sys.exit(f"{name}: has {dims[0]} items, need {count}")
            write_idx(os.path.join(dst, name), magic, [count] + dims[1:], payload[: count * item])
            print(f"{name}: {count} of {dims[0]} items, dims {[count] + dims[1:]}")


if __name__ == "__main__":
    main()
