"""Maalbar: data pipeline and warehouse for trust-based municipal management."""
