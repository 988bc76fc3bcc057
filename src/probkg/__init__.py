"""probation-kg: a knowledge graph of probation inspections in England and Wales.

`probkg.load()` returns the loaded dataset (a `KnowledgeGraph`) for use from Python.
"""

from probkg.rdf.store import KnowledgeGraph, load

__all__ = ["KnowledgeGraph", "load"]
__version__ = "0.1.0"
