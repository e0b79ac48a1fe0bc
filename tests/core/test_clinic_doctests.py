"""The worked examples in the clinical modules' docstrings stay true."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from knotmeter.core import (
    adherence,
    adjust,
    aftercare,
    clearance,
    credit,
    modes,
    ppt,
    ppt_measure,
    scores,
    screening,
)


@pytest.mark.parametrize(
    "module",
    [adherence, adjust, aftercare, clearance, credit, modes, ppt, ppt_measure, scores, screening],
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
