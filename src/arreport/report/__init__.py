"""The view model: what each page, PDF and CSV shows, already sorted, totalled and formatted."""
