"""Writing data/: the commands that collect figures and start years (returns, import, new-year).

``perflib returns``, ``import``, ``import-comparators``, ``new-year`` and ``draft`` change the
files :mod:`perflib.data` reads; every change they make is checked by its readers (a trial copy,
:mod:`perflib.collect.trial`) and written all or nothing (:mod:`perflib.collect.edits`).
"""
