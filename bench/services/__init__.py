"""Background servers bench starts beside an engine and stops again: the registry (and its garbage
collection), the package index, the SSH endpoint, each with a pid file checked before it is signalled and a
bounded log; the runs an engine has known (known_runs).
May import: the layers below (errors ... host, network, builders), never engine/.
"""
