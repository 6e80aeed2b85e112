"""The report's pages, rendered from executed notebooks and the dataset: a page per notebook
(:mod:`.render`, :mod:`.cells`), the front page (:mod:`.site`, :mod:`.figures`), a page per
source (:mod:`.sources`) and the fact explorer (:mod:`.facts`, :mod:`.rows`). Jinja2 templates
and the style sheet are in ``templates/``.
"""
