"""The report runner: every notebook, in every language, executed and rendered to HTML.

One module per job, in the order of a run:

* :mod:`.options`: the options, parsed once (:class:`Options`); :class:`OptionError` names the
  option, the value and what is allowed;
* :mod:`.plan`: the plan (:func:`plan_report`): every option and notebook parameter checked
  (:mod:`.declared`: the parameters a notebook declares), nothing written, no kernel started;
* :mod:`.reuse`: the execution cache: a run reused when nothing it depends on changed, a page
  when its run and what it is made with did not;
* :mod:`.imports`: what a run imports, in the main thread, before any worker (:func:`preload`);
* :mod:`.execute`: each notebook in a fresh kernel, launched the documented way (nbclient), on
  a pool of threads; failures described by cell; Ctrl-C kills the kernels;
* the pages: :mod:`musk_openai.report.site` (nbconvert's HTMLExporter for a notebook's page,
  Jinja2 templates for the report's own);
* :mod:`.progress`: a tqdm bar on a terminal, plain lines in a log;
* :mod:`.run`: the run (:func:`run_plan`, :func:`run_report`), built in ``<output>/.building``
  and put in place whole (:mod:`.outputs`), and its :func:`summary`.

Layout of the output folder (default ``reports/``), self-contained (relative links only)::

    index.html                  the languages of the report
    <lang>/index.html           the front page: every question and its charts, the sources,
                                the fact explorer, the run's parameters (at the end)
    <lang>/NN-name.html         a notebook's page in that language: images embedded
    <lang>/NN-name.ipynb        the executed notebook (kept up to the failing cell on failure)
    <lang>/sources/SNNN.html    a source's full text, every excerpt highlighted (``#F01``)
    <lang>/facts.html           every figure and event, searchable and filterable offline
    figures/<lang>/             the figures (copied in if the params file names another
                                figures_dir)
"""

from __future__ import annotations

from musk_openai.report.runner.imports import PRELOAD, preload
from musk_openai.report.runner.options import DEFAULT_TIMEOUT, OptionError, Options, RawOptions
from musk_openai.report.runner.plan import plan_report
from musk_openai.report.runner.progress import Progress
from musk_openai.report.runner.run import Report, run_plan, run_report, summary
from musk_openai.report.site.render import PageRenderer
from musk_openai.report.types import KERNEL_NAME, Failure, Job, Notebook, Plan, Result

__all__ = [
    "DEFAULT_TIMEOUT",
    "KERNEL_NAME",
    "PRELOAD",
    "Failure",
    "Job",
    "Notebook",
    "OptionError",
    "Options",
    "PageRenderer",
    "Plan",
    "Progress",
    "RawOptions",
    "Report",
    "Result",
    "plan_report",
    "preload",
    "run_plan",
    "run_report",
    "summary",
]
