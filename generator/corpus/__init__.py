"""Corpus reading: decode, clean, unwrap and structure a speech file (the pipeline's first room)."""
