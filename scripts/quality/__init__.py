"""Measurement: tools that read a built site and report on it; none of them changes it."""
