"""The canonical ledger: its columns, CSV loading with located errors, and typed frames."""
