"""The `virtuoso.ini` of a throwaway Virtuoso on 127.0.0.1, for tests/code/test_virtuoso.py and bench/peers.py."""

from __future__ import annotations

from pathlib import Path


def config(folder: Path, sql_port: int, http_port: int, buffers: int = 20000, connections: int = 10) -> str:
    """A minimal configuration: database files in `folder`, both ports on loopback.

    `buffers` (8 KiB pages) is what Virtuoso keeps of the database in memory, and
    `connections` how many HTTP clients it serves at once: the test's small
    defaults suit the real graph; the benchmark raises both so that neither the
    disk nor a queue of connections, rather than the server, is what it measures.
    """
    threads = max(10, connections)
    return f"""\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = {threads}
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 4}
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = {threads}
MaxClientConnections = {connections}

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""
