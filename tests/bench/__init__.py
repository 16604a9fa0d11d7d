"""Tests of the bench\x27s own machinery (not of its figures)."""
