"""The packaged regions file and its validation."""

from __future__ import annotations

import pytest

from knotmeter.core import Region, UnknownRegion, get_region, load_regions
from knotmeter.core.regions import RegionsFileError, parse_regions

REGION_IDS = [
    "upper-trapezius",
    "levator-scapulae",
    "suboccipitals",
    "rhomboids",
    "tensor-fasciae-latae",
    "gluteus-medius",
    "forearm-extensors",
    "forearm-flexors",
    "gastrocnemius-soleus",
    "foot-intrinsics",
    "masseter",
    "temporalis",
]

GOOD = """\
schema = 2

[[region]]
id = "upper-trapezius"
name = "Upper trapezius"
band_n = [40, 65]
ceiling_n = 110
hold_s = [60, 90]
contact_cm2 = 7
"""


def test_the_twelve_regions_ship_with_their_reference_numbers() -> None:
    regions = load_regions()
    assert list(regions) == REGION_IDS
    assert regions["upper-trapezius"] == Region(
        "upper-trapezius", "Upper trapezius", 40.0, 65.0, 110.0, 60.0, 90.0, 7.0
    )
    assert get_region("gluteus-medius").hold_max_s == 90.0  # REFERENCE §1: 60-90 s
    masseter = get_region("masseter")  # REFERENCE §7: jaw 8-15 N, ceiling 20 N
    assert (masseter.band_low_n, masseter.band_high_n, masseter.ceiling_n) == (8.0, 15.0, 20.0)
    assert get_region("gastrocnemius-soleus").ceiling_n == 150.0
    assert get_region("foot-intrinsics").ceiling_n == 110.0
    for region in regions.values():
        assert 0 < region.band_low_n < region.band_high_n < region.ceiling_n
        assert 0 < region.hold_min_s <= region.hold_max_s


def test_an_unknown_region_lists_the_valid_ids() -> None:
    with pytest.raises(UnknownRegion, match=r"'neck'.*upper-trapezius, levator-scapulae"):
        get_region("neck")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("band_n = [40, 65]", "band_n = [65, 40]", "line 6: band_n: .*low < high"),
        ("band_n = [40, 65]", 'band_n = ["40", 65]', "line 6: band_n"),
        ("ceiling_n = 110", "ceiling_n = 60", "line 7: ceiling_n: .*above the band"),
        ("hold_s = [60, 90]", "hold_s = [90, 60]", "line 8: hold_s"),
        ('id = "upper-trapezius"', 'id = "Upper Trapezius"', "line 4: id"),
        ('name = "Upper trapezius"', 'name = ""', "line 5: name"),
        ("hold_s = [60, 90]", "hold_s = [60, 90]\ncolour = 1", "line 9: colour: unknown field"),
        ("ceiling_n = 110\n", "", r"line 3: \[\[region\]\]: missing field 'ceiling_n'"),
        ("schema = 2", "schema = 3", "line 1: schema must be 2 .*newer knotmeter"),
        ("band_n = [40, 65]", "band_n = [40, 65", "not valid TOML"),
    ],
)
def test_a_bad_regions_file_names_the_line_and_field(old: str, new: str, message: str) -> None:
    assert old in GOOD
    with pytest.raises(RegionsFileError, match=f"^my.toml.*{message}"):
        parse_regions(GOOD.replace(old, new), "my.toml")


def test_a_duplicate_id_is_refused() -> None:
    twice = GOOD + "\n" + GOOD.split("\n", 2)[2]
    with pytest.raises(RegionsFileError, match="line 12: id: 'upper-trapezius' is defined twice"):
        parse_regions(twice, "my.toml")


def test_a_file_without_regions_is_refused() -> None:
    with pytest.raises(RegionsFileError, match="no \\[\\[region\\]\\] tables"):
        parse_regions("schema = 2\n", "my.toml")
