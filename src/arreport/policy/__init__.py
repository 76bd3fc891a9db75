"""Policies: YAML with positions -> Cerberus validation -> frozen objects that know file:line."""
