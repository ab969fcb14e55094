"""What runs inside a warm kernel: its warm-up, and its reset between notebooks.

A warm kernel runs :func:`warm_up` as it starts, then :func:`reset` before each notebook, so that
each notebook finds the kernel as a kernel started afresh would be after the same imports: the
same namespace, history and execution count, figures, rcParams, pandas options, environment and
working folder, and matplotlib drawing through Jupyter's inline backend, so that a figure a cell
shows (or leaves open) becomes an output as it does on a fresh kernel.
"""

from __future__ import annotations

import os
from typing import Any

#: Imported in every warm kernel before its first notebook.
WARM_IMPORTS = ("pandas", "numpy", "matplotlib", "matplotlib.pyplot", "seaborn",
                "perflib.notebook", "perflib.present.charts", "perflib.present.sections",
                "perflib.present.html")
#: How the client asks for each (a line of code run in the kernel).
WARM_UP = "__import__('perflib.run.engine.inkernel', fromlist=['_']).warm_up()"
RESET = "__import__('perflib.run.engine.inkernel', fromlist=['_']).reset({cwd!r})"
#: The inline backend's settings a notebook may change (``%config InlineBackend...``).
INLINE_SETTINGS = ("figure_formats", "print_figure_kwargs", "close_figures", "rc")
#: Modules whose import registers something with IPython (perflib.notebook: its DataFrame table
#: formatter), imported again by each notebook that imports them, as on a fresh kernel: until
#: then a DataFrame shows as it would without perflib.
REIMPORTED = ("perflib.notebook",)

_baseline: dict | None = None


def warm_up() -> None:
    """Do the heavy imports, then snapshot the state each notebook starts from."""
    import gc
    import importlib

    global _baseline
    if _baseline is not None:
        return

    from IPython import get_ipython

    formatters = set(get_ipython().display_formatter.formatters)  # a fresh kernel's
    for name in WARM_IMPORTS:
        importlib.import_module(name)
    from perflib.present import charts
    from perflib.reports import kinds

    kinds()  # every registered report kind's module
    charts.lib()
    import matplotlib
    import matplotlib.pyplot as plt
    import pandas as pd

    # the backend a fresh kernel loads with its first figure (Jupyter's inline one, which hooks
    # itself into IPython to show figures): loaded now, so every notebook starts with it
    plt.switch_backend(matplotlib.get_backend())
    _baseline = {
        "rc": dict(matplotlib.rcParams),
        "pandas": {k: pd.get_option(k) for k in pd._config.config._registered_options
                   if k not in pd._config.config._deprecated_options},
        "environ": dict(os.environ),
        "inline": _inline_settings(),
        "hooks": _hooks(),
        "formatters": formatters,
    }
    # Everything imported so far lives as long as the kernel: leave it out of garbage collection,
    # which IPython runs at every reset and which would otherwise walk all of pandas each time.
    gc.collect()
    gc.freeze()


def reset(cwd: str) -> None:
    """Forget the previous notebook, as if the kernel had just warmed up, working in ``cwd``."""
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    import pandas as pd
    from IPython import get_ipython

    assert _baseline is not None, "warm_up() first"
    plt.close("all")
    backend = matplotlib.rcParams["backend"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dict.update(matplotlib.rcParams, _baseline["rc"])
        for k, v in _baseline["pandas"].items():
            if pd.get_option(k) != v:
                pd.set_option(k, v)
    if backend != _baseline["rc"]["backend"]:  # the notebook chose another (%matplotlib agg)
        _inline_again(backend=_baseline["rc"]["backend"])
    events = get_ipython().events.callbacks
    if _hooks() != _baseline["hooks"]:  # IPython's, the inline backend's figure output among them
        for event, hooks in _baseline["hooks"].items():
            events[event][:] = hooks
    for name, value in _baseline["inline"].items():
        config = _inline_config()
        if config is not None and getattr(config, name) != value:
            setattr(config, name, value)
    _forget_imports()
    os.environ.clear()
    os.environ.update(_baseline["environ"])
    os.chdir(cwd)
    # clears the namespace, In/Out and the display hook's cache; execution count back to 1
    get_ipython().reset(new_session=True)


def _forget_imports() -> None:
    """Undo what :data:`REIMPORTED` modules registered as they were imported; import them anew."""
    import sys

    from IPython import get_ipython

    assert _baseline is not None
    formatters = get_ipython().display_formatter.formatters
    for mime in set(formatters) - _baseline["formatters"]:
        del formatters[mime]
    for name in REIMPORTED:
        sys.modules.pop(name, None)


def _inline_config() -> Any:
    """The inline backend's settings, once that backend is loaded (else ``None``)."""
    import sys

    config = sys.modules.get("matplotlib_inline.config")
    return config.InlineBackend.instance() if config is not None else None


def _inline_settings() -> dict[str, Any]:
    config = _inline_config()
    return {} if config is None else {n: getattr(config, n) for n in INLINE_SETTINGS}


def _hooks() -> dict[str, list[Any]]:
    """What IPython calls around each cell, by event."""
    from IPython import get_ipython

    return {event: list(hooks) for event, hooks in get_ipython().events.callbacks.items()}


def _inline_again(backend: str) -> None:
    """Put matplotlib back on ``backend`` and IPython's hooks with it, as its first load did."""
    from IPython import get_ipython
    from IPython.core.pylabtools import activate_matplotlib

    activate_matplotlib(backend)
    if _inline_config() is not None:
        from matplotlib_inline.backend_inline import configure_inline_support

        configure_inline_support(get_ipython(), backend)
