"""The regional server that BAOM offices sync with."""
