"""Mining: speeches → phrasebank entries with provenance. jieba lives here and nowhere else."""
