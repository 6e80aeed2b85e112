"""The report: the notebooks executed (:mod:`.runner`) and rendered as a static site (:mod:`.site`).

:mod:`.types` holds what both share (a notebook, a job, a plan, a result).
"""
