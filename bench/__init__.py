"""Benchmarks: how fast and how large Góp ý goes, each figure beside its ceiling (`make bench`)."""
