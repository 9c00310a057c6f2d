"""The bundled XACLE baseline: the official RELATE-style relevance predictor and its trainer.

Needs the `baseline` extra (torch, transformers). Nothing in the web server imports this package.
"""
