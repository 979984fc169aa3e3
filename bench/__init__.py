"""The benchmark harness of `make bench`: `maalbar run` against its floor at scales S, M, L."""
