"""Statistics on stored rows, with no I/O of their own: medians and intervals (stats), pull versus rebuild
(pull_vs_rebuild), caches shared between builders, a run's completeness, history series, error lines.
May import: store and below.
"""
