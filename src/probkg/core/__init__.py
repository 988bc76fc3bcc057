"""Layer 0: what every other layer needs and that knows nothing of RDF.

Errors and exit codes, the project's folders, atomic file writes and plain-text
tables.
"""
