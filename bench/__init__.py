"""bench: honest numbers for Docker image builds (legacy builder vs BuildKit, cache sources, platforms)."""

__version__ = "0.1.0"
