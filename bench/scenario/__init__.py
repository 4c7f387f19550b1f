"""A scenario: its bench.yaml read and checked (definition: every path it names stays inside it), and its
private copy per measurement with a source change or a broken test applied (changes).
May import: config, safe, errors, platforms.
"""
