"""Build time: everything that turns data/, snippets/ and notebooks/ into page content."""
