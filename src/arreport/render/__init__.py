"""Rendering: CSV, HTML (Jinja2) and PDF (WeasyPrint) from the view model, and the site writer."""
