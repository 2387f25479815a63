"""The draft checker: rule registry, one module per rule family, and the reader of drafts to check."""
