"""`bench history`: one project built at each commit of a range, each commit a run of its own: which commits
(revs), a worktree per commit (worktrees), the normal run path per commit (run). Its index and series are
in store/ and analysis/. May import: run and every layer below it.
"""
