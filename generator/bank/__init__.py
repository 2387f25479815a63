"""The phrasebank as data: entries, themes, year facts, era rules and the fingerprint index format."""
