"""``python -m swk import wordpress EXPORT.xml [--uploads DIR]``: bring a WordPress site over.

- ``wxr.py`` reads the export as a stream, safe against entity expansion (defusedxml);
- ``convert.py`` turns a body (HTML, Gutenberg block comments, shortcodes) into Markdown;
- ``importer.py`` decides a file per post and page, writes them in the content contract's
  format (checked with ``content_model``'s own validator), copies images from a local
  uploads folder, appends the old addresses to the redirect map (``plugins/redirects``),
  and writes a report. Its working files live in ``wordpress-import/`` next to ``content/``:
  ``categories.yaml`` (the editor's category mapping), ``state.json`` (what the import wrote,
  with a SHA-256 per file, so a rerun never overwrites an editor's change) and
  ``report.md`` (``report.py``);
- ``command.py`` is the command line (kept light: ``swk build`` imports it).
"""
