"""`bench history`: one project built at each commit of a range, each commit a run of its own.

revs.py says which commits (git's own range syntax), worktrees.py checks each out beside the user's
checkout and removes it again, run.py runs the normal `bench run` path per commit, model.py is the index
(history.json) that ties the run directories to their commits, series.py the statistics across commits.
"""
