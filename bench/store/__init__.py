"""The results store of a run directory: the row types (rows, read back by typed_json), the writer and the
reader (results), migrations of older schemas, Parquet copies (columnar), quality flags, a history's index.
May import: builders (the record types), safe, platforms, errors; nothing that measures.
"""
