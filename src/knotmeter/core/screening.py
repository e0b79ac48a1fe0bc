"""Screening before coaching: who should not self-treat, and who should go lighter.

The items come from the source material (REFERENCE §1 "Safety"), each with an id (what
the store keeps) and a plain-language yes/no question:

- **skip list**: skip self-treatment and ask a clinician first;
- **red flags**: stop self-care and see a clinician;
- **go-lighter groups**: coaching goes on under the *light profile*.

A "yes" to any skip or red-flag item means no coaching, with the reasons and the advice
to ask a clinician, unless the person says a clinician cleared them (recorded in the
outcome). Answers hold for ``VALID_DAYS`` days, then are asked again.

The light profile (REFERENCE §2), our mapping region → rule, documented here:

- ceilings halved, and the band with them (a halved ceiling over an unchanged band
  would sit inside it); osteoporosis: 40 % instead of 50 % over ribs and spine, which
  we take to be the upper-back points pressed against the trunk: upper trapezius
  (ridge over the first rib), levator scapulae (shoulder blade's top corner, over the
  upper ribs) and rhomboids (between shoulder blade and spine);
- no neck or face points: suboccipitals (pressed at the skull base, beside the
  cervical spine and its arteries), masseter and temporalis (face and jaw). Upper
  trapezius and levator scapulae are *not* "neck" here: the plans press them on the
  shoulder girdle (the trapezius ridge, the shoulder blade's corner), away from the
  cervical spine and the front of the neck, so they stay, at the lighter ceiling;
- holds at most 60 s.

>>> outcome = decide({item.id: False for item in ITEMS} | {"blood-thinners": True})
>>> outcome.coaching, outcome.light is not None
(True, True)
>>> outcome.light.allows("suboccipitals"), outcome.light.ceiling_factor("rhomboids")
(False, 0.5)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from knotmeter.core.adjust import adjusted_config
from knotmeter.core.config import PipelineConfig
from knotmeter.core.errors import CoachInputError

VALID_DAYS = 30
"""Answers older than this are asked again."""
LIGHT_CEILING_FACTOR = 0.5
BONE_CEILING_FACTOR = 0.4
LIGHT_HOLD_MAX_S = 60.0
NECK_AND_FACE = frozenset({"suboccipitals", "masseter", "temporalis"})
RIBS_AND_SPINE = frozenset({"upper-trapezius", "levator-scapulae", "rhomboids"})
STOP_RULES = (
    "Stop at sharp, electric, numb or tingling sensations, or any shooting down a limb; "
    "never the front of the neck, the groin, bone, bruises, varicose veins or scars."
)
"""REFERENCE §1's stop rules, in full: the measurement dialog, the help card."""
STOP_WHILE_HOLDING = "stop if sharp, electric, numb or tingling"
"""The stop rule short enough for the live screen's line while a hold runs."""
ASK_A_CLINICIAN = (
    "Ask a doctor or physiotherapist before pressing on trigger points; if they clear "
    "you, answer 'my clinician cleared me'."
)


class Group(StrEnum):
    """What a "yes" to an item means."""

    SKIP = "skip"
    RED_FLAG = "red_flag"
    LIGHTER = "lighter"


@dataclass(slots=True, frozen=True)
class ScreeningItem:
    """One yes/no question; ``reason`` is what the person reads when it stops coaching."""

    id: str
    group: Group
    question: str
    reason: str


ITEMS: tuple[ScreeningItem, ...] = (
    ScreeningItem(
        "fever-infection",
        Group.SKIP,
        "Do you have a fever or an infection right now?",
        "pressing tissue while fighting an infection can spread it or mask it",
    ),
    ScreeningItem(
        "new-injury",
        Group.SKIP,
        "Did you injure the area in the last few days (a fall, a strain, a sprain)?",
        "a fresh injury needs to settle, and be checked, before it is pressed",
    ),
    ScreeningItem(
        "suspected-dvt",
        Group.SKIP,
        "Is a calf or leg swollen, warm, red or painful for no clear reason?",
        "that can be a blood clot (DVT); pressing could move it: get it checked today",
    ),
    ScreeningItem(
        "unhealed-fracture",
        Group.SKIP,
        "Do you have a broken bone that has not fully healed?",
        "pressure near an unhealed fracture can disturb it",
    ),
    ScreeningItem(
        "cancer-treatment",
        Group.SKIP,
        "Are you having treatment for cancer?",
        "treatment changes what tissue and blood can take; your care team should say first",
    ),
    ScreeningItem(
        "unexplained-numbness",
        Group.SKIP,
        "Do you have numbness or weakness that no one has explained?",
        "numbness or weakness can come from a nerve or the spine, not a muscle knot",
    ),
    ScreeningItem(
        "bruising-on-thinners",
        Group.SKIP,
        "Do you bruise easily while taking blood thinners?",
        "pressure is likely to bruise you",
    ),
    ScreeningItem(
        "sudden-severe-pain",
        Group.RED_FLAG,
        "Did this pain start suddenly and severely?",
        "sudden severe pain needs a clinician, not self-care",
    ),
    ScreeningItem(
        "trauma",
        Group.RED_FLAG,
        "Did the pain start with an accident, a fall or a blow?",
        "pain after trauma needs checking for damage first",
    ),
    ScreeningItem(
        "night-pain",
        Group.RED_FLAG,
        "Does the pain wake you at night, or stay the same whatever position you take?",
        "pain at night and at rest is not the pattern of a muscle knot",
    ),
    ScreeningItem(
        "progressive-numbness",
        Group.RED_FLAG,
        "Is numbness or weakness getting worse?",
        "spreading numbness or weakness can mean a pressed nerve: see a clinician soon",
    ),
    ScreeningItem(
        "bladder-bowel",
        Group.RED_FLAG,
        "Has your bladder or bowel control changed?",
        "with back or leg pain that is an emergency sign: seek care today",
    ),
    ScreeningItem(
        "weight-loss",
        Group.RED_FLAG,
        "Have you lost weight without trying?",
        "unexplained weight loss with pain needs a clinician's look",
    ),
    ScreeningItem(
        "blood-thinners",
        Group.LIGHTER,
        "Do you take blood thinners (e.g. warfarin, apixaban, daily aspirin)?",
        "blood thinners bruise more easily",
    ),
    ScreeningItem(
        "diabetic-neuropathy",
        Group.LIGHTER,
        "Do you have reduced feeling in your feet or hands from diabetes?",
        "less feeling means pain warns later",
    ),
    ScreeningItem(
        "osteoporosis",
        Group.LIGHTER,
        "Have you been told you have osteoporosis or thin bones?",
        "thin bones over the ribs and spine take less pressure",
    ),
    ScreeningItem(
        "pregnancy",
        Group.LIGHTER,
        "Are you pregnant?",
        "pregnancy: lighter pressure, and never on the abdomen",
    ),
    ScreeningItem(
        "face-jaw",
        Group.LIGHTER,
        "Have you had recent dental work, jaw or face surgery, or does your jaw lock?",
        "the face and jaw should then be left to a clinician, and pressure kept light",
    ),
)
"""Every item, in the order they are asked: skip list, red flags, go-lighter groups."""

BY_ID: dict[str, ScreeningItem] = {item.id: item for item in ITEMS}


class ScreeningError(CoachInputError):
    """Answers that cannot be decided on: unknown or missing items."""


@dataclass(slots=True, frozen=True)
class LightProfile:
    """The lighter coaching the go-lighter answers switch on; ``because`` names them."""

    because: tuple[str, ...]

    @property
    def bone_rule(self) -> bool:
        """Osteoporosis: 40 % over ribs and spine."""
        return "osteoporosis" in self.because

    def allows(self, region_id: str) -> bool:
        """No neck or face points under the light profile."""
        return region_id not in NECK_AND_FACE

    def ceiling_factor(self, region_id: str) -> float:
        """What the region's band and ceiling are multiplied by."""
        if self.bone_rule and region_id in RIBS_AND_SPINE:
            return BONE_CEILING_FACTOR
        return LIGHT_CEILING_FACTOR


@dataclass(slots=True, frozen=True)
class ScreeningOutcome:
    """What the answers decide.

    Attributes:
        coaching: coaching may start.
        stopped_by: the skip and red-flag items answered "yes" (empty if none).
        cleared_by_clinician: the person said a clinician cleared them; with
            ``stopped_by`` non-empty this is what unlocked coaching.
        light: the light profile, or ``None`` for the standard targets.
        advice: the plain-language lines to show.
    """

    coaching: bool
    stopped_by: tuple[str, ...]
    cleared_by_clinician: bool
    light: LightProfile | None
    advice: tuple[str, ...]


def decide(answers: Mapping[str, bool], *, cleared_by_clinician: bool = False) -> ScreeningOutcome:
    """Decide from one yes/no answer per item (``True`` = yes, it applies).

    Raises:
        ScreeningError: an unknown item id, or an item left unanswered.
    """
    unknown = sorted(set(answers) - set(BY_ID))
    if unknown:
        raise ScreeningError(f"unknown screening item {unknown[0]!r}; known: {', '.join(BY_ID)}")
    missing = [item.id for item in ITEMS if item.id not in answers]
    if missing:
        raise ScreeningError(f"screening item {missing[0]!r} is not answered")
    yes = [item for item in ITEMS if answers[item.id]]
    stopped = tuple(item.id for item in yes if item.group is not Group.LIGHTER)
    lighter = tuple(item.id for item in yes if item.group is Group.LIGHTER)
    light = LightProfile(lighter) if lighter else None
    advice = [f"{BY_ID[i].question} Yes: {BY_ID[i].reason}." for i in stopped]
    if stopped and not cleared_by_clinician:
        advice.append(f"No coaching for now. {ASK_A_CLINICIAN}")
    elif stopped:
        advice.append("Your clinician cleared you: coaching is on, recorded with your answers.")
    if light is not None:
        advice.append(
            "Lighter coaching: ceilings halved"
            + (" (40 % over the ribs and spine)" if light.bone_rule else "")
            + ", no neck or face points, holds at most 60 s."
        )
    return ScreeningOutcome(
        coaching=not stopped or cleared_by_clinician,
        stopped_by=stopped,
        cleared_by_clinician=cleared_by_clinician,
        light=light,
        advice=tuple(advice),
    )


def answers_current(answered_on: date, today: date) -> bool:
    """Answers still hold: given today or in the last ``VALID_DAYS`` days (not in the future)."""
    return 0 <= (today - answered_on).days < VALID_DAYS


def apply_light_profile(config: PipelineConfig, light: LightProfile) -> PipelineConfig:
    """``config`` under the light profile: band and ceiling scaled down, holds ≤ 60 s.

    Raises:
        CoachInputError: the point is a neck or face point, which the profile rules out.
    """
    region = config.region
    if not light.allows(region.id):
        raise CoachInputError(
            f"{region.name} is a neck or face point: not under the lighter coaching your "
            "screening answers asked for; choose another point"
        )
    factor = light.ceiling_factor(region.id)
    hold_min = min(config.hold_min_s, LIGHT_HOLD_MAX_S)
    hold_max = min(config.cap_s, LIGHT_HOLD_MAX_S)
    return adjusted_config(
        config,
        band=(config.band_low_n * factor, config.band_high_n * factor),
        ceiling_n=config.ceiling_n * factor,
        hold_s=(hold_min, hold_max),
        target_s=min(config.target_s, hold_max),
    )
