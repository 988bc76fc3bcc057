"""Layer 4: `probkg serve`: the HTTP app, its pages, and the pool of query workers behind it.

The app (`app`) runs in the server process; every SPARQL evaluation runs in a
worker (`zygote` forks them, `pool` supervises them, `handler` answers one
request), so a runaway query dies in its own process.
"""
