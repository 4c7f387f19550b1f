"""The secrets scenario's harness side: a token made per run, the server that wants it, and how each
Dockerfile variant is given it (BuildKit secret mount, build arg, file in the build context)."""
