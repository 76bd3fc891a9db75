"""Pure computations over ledger frames: no I/O, no clock; the as-of date is an argument."""
