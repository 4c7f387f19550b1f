"""The results store of a run directory: the row types (rows), the writer and the reader (results), the
migrations of older schemas, the Parquet copies (columnar), quality flags, and a history's index.
May import: builders (the record types), safe, platforms, errors; nothing that measures.
"""
