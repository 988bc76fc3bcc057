"""Layer 2: SPARQL: the saved-query catalogue, the engines, results and their formats, and the guard.

One `ResultSet` shape comes out of every engine (Oxigraph, rdflib, a remote
endpoint), so the layers above never care which one answered.
"""
