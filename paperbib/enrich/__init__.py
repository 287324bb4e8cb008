"""Filling the gaps in papers from registries such as Crossref."""
