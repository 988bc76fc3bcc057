"""Layer 1: RDF itself: namespaces (`vocab`), how names compare and which label wins (`names`),
term conversions (`terms`), guarded reading of files (`inputs`), and the store (`store`).

Everything above reaches data through `rdf.store.KnowledgeGraph`, and every file
is read through `rdf.inputs`, so a hostile file is refused before a parser sees it.
"""
