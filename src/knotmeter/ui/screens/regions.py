"""Choosing the point being treated: each region with its band, ceiling and hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from knotmeter.core.regions import Region


def region_targets(region: Region) -> str:
    """The region's defaults in one line: band, ceiling and hold range."""
    return (
        f"band {region.band_low_n:g}-{region.band_high_n:g} N   ceiling {region.ceiling_n:g} N"
        f"   hold {region.hold_min_s:g}-{region.hold_max_s:g} s"
    )


class RegionPicker(ModalScreen[str | None]):
    """A list of regions; dismisses with the chosen id, or ``None`` on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, regions: Mapping[str, Region], current: str) -> None:
        super().__init__()
        self._regions = regions
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Which point are you treating?", classes="dialog-title")
            options = OptionList(
                *(
                    Option(f"{region.name:<24} {region_targets(region)}", id=region.id)
                    for region in self._regions.values()
                )
            )
            options.highlighted = list(self._regions).index(self._current)
            yield options

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
