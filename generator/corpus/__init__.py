"""Corpus reading: decode, clean, unwrap and structure a speech file (the pipeline's first room).

The public API, for mining, checking and the shells alike; the modules inside are the reader's own.
"""

from generator.corpus.reader import (ROLES, Paragraph, Speech, corpus_files, decode_bytes, parse_text, read_corpus,
                                     read_speech, text_paragraphs)
from generator.corpus.structure import find_placeholders

__all__ = ["ROLES", "Paragraph", "Speech", "corpus_files", "decode_bytes", "find_placeholders", "parse_text",
           "read_corpus", "read_speech", "text_paragraphs"]
