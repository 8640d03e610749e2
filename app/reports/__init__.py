"""Reports: minutes, the owner's summary, the quality report, agency reports, the cross-country
comparison and a meeting's data package, each as HTML and PDF, their tables as CSV and XLSX.

``queries.py``-style builders (one module per report) turn the database into a ``Report``
(plain data, labels in the report's language); ``render.py`` writes it in a format. Entered
text (minutes, commitments, follow-ups) is shown as it was written, whatever the language.
"""
