"""Server-rendered SVG charts, a module per kind. Every chart is shown beside a table of
the same numbers, which is its text alternative."""
