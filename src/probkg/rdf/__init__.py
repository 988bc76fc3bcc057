"""Layer 1: RDF itself: the project's namespaces, guarded reading of files, and the store.

Everything above reaches data through `rdf.store.KnowledgeGraph`, and every file
is read through `rdf.inputs`, so a hostile file is refused before a parser sees it.
"""
