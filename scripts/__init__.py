"""The site's own code, in two packages that change for different reasons.

- ``scripts.pipeline``: build time. Turns data/, snippets/ and notebooks/ into page
  content (the MkDocs hook, directives, knowledge base, snippet and notebook execution,
  caches). A change here changes what the site says.
- ``scripts.quality``: measurement. Reads a built site and reports on it (links, offline
  check, search relevance, Lighthouse, the benchmark). A change here changes what we know
  about the site, never the site itself.
"""

from pathlib import Path

# The repository root, for every module in both packages.
ROOT = Path(__file__).resolve().parent.parent
