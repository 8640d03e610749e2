"""Charts: plain data in, SVG or PNG out (matplotlib ``Figure`` and Agg, never pyplot).

``data.py`` queries the database into chart specifications (plain dicts whose labels are
already in the reader's language), ``render.py`` draws a specification, ``cache.py`` keeps the
bytes by content, and ``views.py`` serves them behind the access rules.
"""
