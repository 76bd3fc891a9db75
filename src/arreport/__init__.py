"""arreport: accounts-receivable aging, statements and collection actions from ledger exports."""

__version__ = "0.1.0"
