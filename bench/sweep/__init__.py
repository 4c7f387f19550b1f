"""Hydra multirun sweeps: which jobs are on disk and which are lost (jobs, the Hydra callback), what the
scheduler knows of each (scheduler: submitit's folders), and the re-run of those not complete.
May import: cluster, analysis, store and below.
"""
