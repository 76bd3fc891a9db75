"""Delivery: the outbox of .eml files that `build` writes, and `send` with its sent log."""
