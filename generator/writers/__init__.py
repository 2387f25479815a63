"""Writers: one document model, three formats (.docx per GB/T 9704-2012, Markdown, plain text)."""
