"""Layer 3: checks of the graph: evidence against the sources, SHACL validation (two engines) and QC lint.

All of them report through `checks.report`, so every check names its shape or
rule, node, file and value the same way.
"""
