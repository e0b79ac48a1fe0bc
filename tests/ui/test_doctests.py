"""The worked examples in the screen parts' docstrings stay true."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from knotmeter import plainwords
from knotmeter.ui.widgets import hold, status


@pytest.mark.parametrize("module", [hold, status, plainwords])
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0
    assert result.attempted > 0
