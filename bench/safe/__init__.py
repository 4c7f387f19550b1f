"""What a root tool needs to touch files and tool output safely: writes that are atomic and never follow a
link (atomic_file), paths that stay inside a scenario (contained), private scratch directories swept when
their run is gone (scratch), and bounded tool output (output_cap).
May import: bench.errors only; every other package stands on it.
"""
