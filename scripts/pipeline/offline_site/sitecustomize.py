"""Imported at start-up by every snippet and notebook process: see scripts/pipeline/network_guard.py."""

import os

if os.environ.get("SNIPPET_NETWORK_LOG"):
    from scripts.pipeline.network_guard import install

    install()
