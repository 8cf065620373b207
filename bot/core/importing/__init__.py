"""Import a community's documentation (Markdown, reStructuredText, HTML) as knowledge entries."""
