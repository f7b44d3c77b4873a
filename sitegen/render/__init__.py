"""Renderers: HTML pages (Jinja2), QR codes, and later posters and data files."""
