"""Choosing the point being treated: each region with its band, ceiling and hold as they
would be prescribed now (the tool in use, its range, the mode, the light profile)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from knotmeter.core.prescription import Prescription, Refused
from knotmeter.core.regions import Region

Preview = Callable[[str], Prescription | Refused]
"""What moving to a region would prescribe now (``Session.preview``)."""


def region_targets(prescribed: Prescription | Refused) -> str:
    """A point's targets in one line (band, ceiling, hold range), or why it is refused."""
    if isinstance(prescribed, Refused):
        return f"refused: {prescribed.reason}"
    config = prescribed.config
    return (
        f"band {config.band_low_n:.0f}-{config.band_high_n:.0f} N   "
        f"ceiling {config.ceiling_n:.0f} N   hold {config.hold_min_s:g}-{config.cap_s:g} s"
    )


class RegionPicker(ModalScreen[str | None]):
    """A list of regions; dismisses with the chosen id, or ``None`` on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, regions: Mapping[str, Region], current: str, preview: Preview) -> None:
        super().__init__()
        self._regions = regions
        self._current = current
        self._preview = preview

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Which point are you treating?", classes="dialog-title")
            options = OptionList(
                *(
                    Option(
                        f"{region.name:<24} {region_targets(self._preview(region.id))}",
                        id=region.id,
                    )
                    for region in self._regions.values()
                )
            )
            options.highlighted = list(self._regions).index(self._current)
            yield options

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
