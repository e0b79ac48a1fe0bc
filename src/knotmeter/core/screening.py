"""Screening before coaching: who must seek care, who needs a clinician first, who goes lighter.

Three tiers (REFERENCE §7), each item one yes/no question about one thing:

- **emergency**: no coaching, "seek care today"; nothing in the app lifts it (answering
  the questions again, one at a time, after the situation has changed is the only way);
- **red flag**: no coaching until the person types who cleared them and when
  (``core/clearance.py``): valid 7 days, then asked again;
- **go lighter**: coaching goes on under the *light profile*.

When items are asked (``due_items``): every item at the first run and once the
answers are ``VALID_DAYS`` old; the *acute* items (fever, new injury, calf swelling,
new numbness) at every sitting; the *plan* items (giant cell arteritis, neck
arteries, heart) whenever a routine or point that presses the neck, jaw or shoulder
starts. Answers given within ``SITTING_S`` count as this sitting's (``knotmeter
screening`` just before the dashboard).

The light profile (REFERENCE §2 and §7), our mapping region → rule:

- ceilings halved, and the band with them (a halved ceiling over an unchanged band
  would sit inside it); osteoporosis: 40 % instead of 50 % over ribs and spine, which
  we take to be the upper-back points pressed against the trunk: upper trapezius,
  levator scapulae and rhomboids;
- no neck or face points: suboccipitals, masseter and temporalis. Upper trapezius and
  levator scapulae are pressed on the shoulder girdle, away from the cervical spine
  and the front of the neck, so they stay, at the lighter ceiling;
- no foot points with neuropathy (less feeling: pain warns too late); no calf points
  in pregnancy, up to 12 weeks postpartum, or with another clot risk (a case report
  of a pulmonary embolism after leg massage in pregnancy; the other clot risks carry
  the same danger, our extension);
- holds at most 60 s.

>>> no = {item.id: False for item in ITEMS}
>>> outcome = decide(no | {"blood-thinners": True}, today=date(2026, 12, 8))
>>> outcome.coaching, outcome.light is not None
(True, True)
>>> outcome.light.allows("suboccipitals"), outcome.light.ceiling_factor("rhomboids")
(False, 0.5)
>>> decide(no | {"bladder-control": True}, today=date(2026, 12, 8)).tier
<Tier.EMERGENCY: 'emergency'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from knotmeter.core.adjust import adjusted_config
from knotmeter.core.clearance import Clearance
from knotmeter.core.config import PipelineConfig
from knotmeter.core.errors import CoachInputError

VALID_DAYS = 30
"""Answers older than this are asked again (the acute items: every sitting)."""
SITTING_S = 3600.0
"""Acute and plan answers given this recently are this sitting's (our choice: an hour
covers `knotmeter screening` run just before the dashboard, not a later sitting)."""
LIGHT_CEILING_FACTOR = 0.5
BONE_CEILING_FACTOR = 0.4
LIGHT_HOLD_MAX_S = 60.0
NECK_AND_FACE = frozenset({"suboccipitals", "masseter", "temporalis"})
RIBS_AND_SPINE = frozenset({"upper-trapezius", "levator-scapulae", "rhomboids"})
FOOT = frozenset({"foot-intrinsics"})
CALF = frozenset({"gastrocnemius-soleus"})
NECK_JAW_SHOULDER = frozenset(
    {"upper-trapezius", "levator-scapulae", "suboccipitals", "masseter", "temporalis"}
)
"""Points whose routines (tension headache, desk shoulder, jaw) ask the plan items."""
STOP_RULES = (
    "Stop at sharp, electric, numb or tingling sensations, or any shooting down a limb; "
    "never the front of the neck, the groin, bone, bruises, varicose veins or scars."
)
"""REFERENCE §1's stop rules, in full: the measurement dialog, the help card."""
STOP_WHILE_HOLDING = "stop if sharp, electric, numb or tingling"
"""The stop rule short enough for the live screen's line while a hold runs."""
SEEK_CARE_TODAY = (
    "Seek care today (your doctor, an urgent care service, or emergency services if it is "
    "severe). No coaching: nothing here lifts this. When things have changed, answer the "
    "questions again."
)
ASK_A_CLINICIAN = (
    "No coaching until a doctor or physiotherapist clears you: then press c and type who "
    "cleared you and the day (a clearance holds 7 days)."
)


class Tier(StrEnum):
    """What a "yes" to an item means; the order is the severity."""

    EMERGENCY = "emergency"
    RED_FLAG = "red_flag"
    LIGHTER = "lighter"


class Asked(StrEnum):
    """When an item is asked again."""

    ACUTE = "acute"  # every sitting
    PLAN = "plan"  # when a neck, jaw or shoulder routine starts (and every 30 days)
    MONTHLY = "monthly"  # every 30 days


@dataclass(slots=True, frozen=True)
class ScreeningItem:
    """One yes/no question about one thing; ``reason`` is what a "yes" means."""

    id: str
    tier: Tier
    question: str
    reason: str
    asked: Asked = Asked.MONTHLY


_E, _R, _L = Tier.EMERGENCY, Tier.RED_FLAG, Tier.LIGHTER
_CLOT = "clots: no calf points, lighter pressure"


def _item(
    id: str, tier: Tier, question: str, reason: str, asked: Asked = Asked.MONTHLY
) -> ScreeningItem:
    return ScreeningItem(id, tier, question, reason, asked)


ITEMS: tuple[ScreeningItem, ...] = (
    # -- acute: every sitting ------------------------------------------------------------
    _item("fever", _R, "Do you have a fever right now?",
          "pressing tissue while fighting an infection can spread it", Asked.ACUTE),
    _item("new-injury", _R, "Did you injure the area in the last few days?",
          "a fresh injury needs to settle, and be checked, before it is pressed", Asked.ACUTE),
    _item("calf-swelling", _E, "Is one calf swollen for no clear reason?",
          "that can be a blood clot (DVT); pressing could move it", Asked.ACUTE),
    _item("new-numbness", _R, "Do you have new numbness that no one has explained?",
          "numbness can come from a nerve or the spine, not a muscle knot", Asked.ACUTE),
    # -- emergency -----------------------------------------------------------------------
    _item("calf-red-warm", _E, "Is one calf red and warm for no clear reason?",
          "that can be a blood clot (DVT); pressing could move it"),
    _item("bladder-control", _E, "Has your bladder control changed recently?",
          "with back pain that can be a pressed spinal cord (cauda equina)"),
    _item("bowel-control", _E, "Has your bowel control changed recently?",
          "with back pain that can be a pressed spinal cord (cauda equina)"),
    _item("saddle-numbness", _E, "Is the skin between your legs numb?",
          "saddle numbness can be a pressed spinal cord (cauda equina)"),
    _item("worsening-numbness", _E, "Is numbness getting worse?",
          "spreading numbness can mean a pressed nerve"),
    _item("worsening-strength", _E, "Is weakness in a limb getting worse?",
          "spreading weakness can mean a pressed nerve"),
    _item("worst-headache", _E, "Have you had a sudden, severe headache, the worst ever?",
          "a sudden worst-ever headache can be a bleed in the brain"),
    _item("chest-pain", _E, "Do you have chest pain?", "chest pain can be the heart"),
    _item("breathless", _E, "Are you short of breath at rest?",
          "breathlessness can be the heart, the lungs or a clot"),
    # -- plan items: neck, jaw and shoulder routines ---------------------------------------
    _item("visual-change", _E, "Has your sight changed recently?",
          "with headache this can be giant cell arteritis, which can take the sight",
          Asked.PLAN),
    _item("trouble-speaking", _E, "Have you had trouble speaking recently?",
          "a neck artery problem can show this way (IFOMPT cervical framework)", Asked.PLAN),
    _item("trouble-swallowing", _E, "Have you had trouble swallowing recently?",
          "a neck artery problem can show this way (IFOMPT cervical framework)", Asked.PLAN),
    _item("double-vision", _E, "Have you seen double recently?",
          "a neck artery problem can show this way (IFOMPT cervical framework)", Asked.PLAN),
    _item("drop-attacks", _E, "Have you fallen suddenly without losing consciousness?",
          "drop attacks can come from the neck arteries (IFOMPT cervical framework)",
          Asked.PLAN),
    _item("new-headache-over-50", _R, "Are you over 50 with a new kind of headache?",
          "a new headache after 50 can be giant cell arteritis", Asked.PLAN),
    _item("jaw-pain-chewing", _R, "Does your jaw ache while chewing, easing when you stop?",
          "jaw pain on chewing can be giant cell arteritis", Asked.PLAN),
    _item("scalp-tenderness", _R, "Is your scalp tender to touch, at the temples say?",
          "scalp and temple tenderness can be giant cell arteritis", Asked.PLAN),
    _item("dizziness", _R, "Have you had dizzy spells recently?",
          "dizziness can come from the neck arteries (IFOMPT cervical framework)", Asked.PLAN),
    _item("exertion-pain", _R, "Does pain in your jaw, neck, arm come on when you exert yourself?",
          "pain brought on by effort can be the heart", Asked.PLAN),
    _item("exertion-breathless", _R, "Does effort leave you more breathless than it used to?",
          "breathlessness on effort can be the heart", Asked.PLAN),
    # -- red flags -----------------------------------------------------------------------
    _item("sudden-severe-pain", _R, "Did this pain start suddenly and severely?",
          "sudden severe pain needs a clinician, not self-care"),
    _item("trauma", _R, "Did the pain start with an accident (a fall, a blow)?",
          "pain after trauma needs checking for damage first"),
    _item("night-pain", _R, "Does the pain wake you at night?",
          "pain at night is not the pattern of a muscle knot"),
    _item("rest-pain", _R, "Does the pain stay the same whatever position you take?",
          "pain unchanged by position is not the pattern of a muscle knot"),
    _item("weight-loss", _R,
          "Have you lost over 5 % of your weight in the last 6-12 months without trying "
          "(over 3.5 kg at 70 kg)?",
          "unexplained weight loss with pain needs a clinician's look"),
    _item("unhealed-fracture", _R, "Do you have a broken bone that has not fully healed?",
          "pressure near an unhealed fracture can disturb it"),
    _item("cancer-treatment", _R, "Are you having treatment for cancer?",
          "treatment changes what tissue and blood can take; your care team should say first"),
    _item("cancer-history", _R, "Have you ever had cancer?",
          "new pain after cancer needs a clinician to rule out its return"),
    _item("lymphoedema", _R, "Do you have lymphoedema?",
          "a swollen limb should not be pressed deeply; a clinician says where"),
    _item("lymph-nodes-removed", _R, "Have you had lymph nodes removed?",
          "the limb on that side can swell if pressed; a clinician says where"),
    _item("steroid-injection", _R,
          "Did you have a steroid injection where you want to press, in the last 2 weeks?",
          "tissue after a steroid injection is fragile for a while"),
    _item("broken-skin", _R, "Is the skin broken where you want to press?",
          "pressing broken skin can infect it"),
    _item("bruising-on-thinners", _R, "Do you bruise easily while taking blood thinners?",
          "pressure is likely to bruise you"),
    _item("under-18", _R, "Are you under 18?",
          "the bands are for adults; a clinician should set a young person's pressure"),
    # -- go lighter ----------------------------------------------------------------------
    _item("blood-thinners", _L,
          "Do you take blood thinners (e.g. warfarin, apixaban, daily aspirin)?",
          "blood thinners bruise more easily"),
    _item("bleeding-disorder", _L, "Do you have a bleeding disorder (e.g. haemophilia)?",
          "a bleeding disorder bruises more easily"),
    _item("diabetic-neuropathy", _L, "Do you have reduced feeling in your feet from diabetes?",
          "less feeling means pain warns later: no foot points, no threshold measurement"),
    _item("osteoporosis", _L, "Have you been told you have osteoporosis?",
          "thin bones over the ribs and spine take less pressure"),
    _item("pregnancy", _L, "Are you pregnant?",
          "pregnancy: lighter pressure, never the abdomen, no calf points (clots)"),
    _item("postpartum", _L, "Did you give birth in the last 12 weeks?",
          "after birth the risk of clots is higher: " + _CLOT),
    _item("recent-surgery", _L, "Have you had an operation in the last 12 weeks?",
          "after surgery the risk of clots is higher: " + _CLOT),
    _item("immobilised", _L, "Have you been laid up (bed rest, a cast) in the last 12 weeks?",
          "after immobilisation the risk of clots is higher: " + _CLOT),
    _item("long-haul-travel", _L, "Have you travelled over 4 hours in one go in the last 4 weeks?",
          "long travel raises the risk of clots: " + _CLOT),
    _item("previous-clot", _L, "Have you ever had a blood clot (DVT, pulmonary embolism)?",
          "a past clot raises the risk of another: " + _CLOT),
    _item("oestrogen", _L, "Do you take oestrogen (the pill, HRT)?",
          "oestrogen raises the risk of clots: " + _CLOT),
    _item("dental-work", _L, "Have you had dental treatment in the last 6 weeks?",
          "the face and jaw should then be left to a clinician, and pressure kept light"),
    _item("jaw-locks", _L, "Does your jaw lock?",
          "the face and jaw should then be left to a clinician, and pressure kept light"),
)  # fmt: skip
"""Every item, in the order they are asked: acute, emergency, plan items, red flags,
go-lighter groups."""

BY_ID: dict[str, ScreeningItem] = {item.id: item for item in ITEMS}
CLOT_RISKS = frozenset(
    {"pregnancy", "postpartum", "recent-surgery", "immobilised", "long-haul-travel",
     "previous-clot", "oestrogen"}
)  # fmt: skip
NEUROPATHY = "diabetic-neuropathy"


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

    @property
    def measures(self) -> bool:
        """A pain threshold may be measured: not with neuropathy (pain warns too late)."""
        return NEUROPATHY not in self.because

    def allows(self, region_id: str) -> bool:
        """No neck or face points; no foot with neuropathy; no calf with a clot risk."""
        return self.barred_why(region_id) is None

    def barred_why(self, region_id: str) -> str | None:
        """Why the profile rules ``region_id`` out, in a few words, or ``None``."""
        if region_id in NECK_AND_FACE:
            return "a neck or face point"
        if region_id in FOOT and NEUROPATHY in self.because:
            return "a foot point, and your feet have less feeling"
        if region_id in CALF and CLOT_RISKS.intersection(self.because):
            return "a calf point, and you have a raised risk of clots"
        return None

    def ceiling_factor(self, region_id: str) -> float:
        """What the region's band and ceiling are multiplied by."""
        if self.bone_rule and region_id in RIBS_AND_SPINE:
            return BONE_CEILING_FACTOR
        return LIGHT_CEILING_FACTOR

    def summary(self) -> str:
        """The profile in one line, for the verdict and the live screen."""
        barred = ["no neck or face points"]
        if NEUROPATHY in self.because:
            barred.append("no foot points and no threshold measurement")
        if CLOT_RISKS.intersection(self.because):
            barred.append("no calf points")
        bone = " (40 % over the ribs and spine)" if self.bone_rule else ""
        return f"Lighter coaching: ceilings halved{bone}, {', '.join(barred)}, holds at most 60 s."


@dataclass(slots=True, frozen=True)
class ScreeningOutcome:
    """What the answers decide.

    Attributes:
        tier: the most severe tier answered "yes", or ``None`` for none.
        coaching: coaching may start.
        emergency: the emergency items answered "yes": nothing in the app lifts them.
        red_flags: the red-flag items answered "yes".
        clearance: the clinician's clearance in force today, if any (it lifts the red
            flags, never an emergency).
        light: the light profile, or ``None`` for the standard targets.
        advice: the plain-language lines to show.
    """

    tier: Tier | None
    coaching: bool
    emergency: tuple[str, ...]
    red_flags: tuple[str, ...]
    clearance: Clearance | None
    light: LightProfile | None
    advice: tuple[str, ...]

    @property
    def stopped_by(self) -> tuple[str, ...]:
        """Every item that stops coaching without a clearance."""
        return self.emergency + self.red_flags

    @property
    def cleared_by_clinician(self) -> bool:
        """A clearance in force lifted red flags (and there is no emergency)."""
        return self.clearance is not None and bool(self.red_flags) and not self.emergency


def check_answers(answers: Mapping[str, bool]) -> None:
    """Raises:
    ScreeningError: an unknown item id, or an item left unanswered."""
    unknown = sorted(set(answers) - set(BY_ID))
    if unknown:
        raise ScreeningError(f"unknown screening item {unknown[0]!r}; known: {', '.join(BY_ID)}")
    missing = [item.id for item in ITEMS if item.id not in answers]
    if missing:
        raise ScreeningError(f"screening item {missing[0]!r} is not answered")


def decide(
    answers: Mapping[str, bool], *, today: date, clearance: Clearance | None = None
) -> ScreeningOutcome:
    """Decide from one yes/no answer per item (``True`` = yes, it applies) on ``today``.

    Raises:
        ScreeningError: an unknown item id, or an item left unanswered.
    """
    check_answers(answers)
    yes = [item for item in ITEMS if answers[item.id]]
    emergency = tuple(item.id for item in yes if item.tier is Tier.EMERGENCY)
    red = tuple(item.id for item in yes if item.tier is Tier.RED_FLAG)
    lighter = tuple(item.id for item in yes if item.tier is Tier.LIGHTER)
    light = LightProfile(lighter) if lighter else None
    in_force = clearance if clearance is not None and clearance.valid_on(today) else None
    advice = [f"{BY_ID[i].question} Yes: {BY_ID[i].reason}." for i in emergency + red]
    if emergency:
        advice.append(SEEK_CARE_TODAY)
    elif red and in_force is None:
        advice.append(ASK_A_CLINICIAN)
    elif red and in_force is not None:
        advice.append(
            f"Cleared by {in_force.who} on {in_force.on}: coaching is on until "
            f"{in_force.expires} (recorded with your answers)."
        )
    if light is not None:
        advice.append(light.summary())
    tier = (
        Tier.EMERGENCY
        if emergency
        else Tier.RED_FLAG
        if red
        else (Tier.LIGHTER if lighter else None)
    )
    return ScreeningOutcome(
        tier=tier,
        coaching=not emergency and (not red or in_force is not None),
        emergency=emergency,
        red_flags=red,
        clearance=in_force,
        light=light,
        advice=tuple(advice),
    )


def answers_current(answered_on: date, today: date) -> bool:
    """Answers still hold: given today or in the last ``VALID_DAYS`` days (not in the future)."""
    return 0 <= (today - answered_on).days < VALID_DAYS


def presses_neck_jaw_shoulder(region_ids: Iterable[str]) -> bool:
    """A routine (or point) that asks the plan items when it starts."""
    return not NECK_JAW_SHOULDER.isdisjoint(region_ids)


def due_items(
    answers: Mapping[str, bool] | None,
    *,
    monthly_age_days: int | None,
    sitting_age_s: float | None,
    region_ids: Iterable[str],
) -> tuple[ScreeningItem, ...]:
    """The items to ask now, in order.

    Args:
        answers: the newest stored answers, or ``None`` (the first run).
        monthly_age_days: days since every item was last answered (``None``: never).
        sitting_age_s: seconds since the acute (and plan) items were last answered.
        region_ids: the points this sitting presses (a routine's, or the one point).
    """
    complete = answers is not None and set(answers) == set(BY_ID)
    if not complete or monthly_age_days is None or not 0 <= monthly_age_days < VALID_DAYS:
        return ITEMS
    if sitting_age_s is not None and 0 <= sitting_age_s < SITTING_S:
        return ()
    plan = presses_neck_jaw_shoulder(region_ids)
    return tuple(
        item for item in ITEMS if item.asked is Asked.ACUTE or (plan and item.asked is Asked.PLAN)
    )


def apply_light_profile(config: PipelineConfig, light: LightProfile) -> PipelineConfig:
    """``config`` under the light profile: band and ceiling scaled down, holds ≤ 60 s.

    Raises:
        CoachInputError: the profile rules the point out (``LightProfile.barred_why``).
    """
    region = config.region
    why = light.barred_why(region.id)
    if why is not None:
        raise CoachInputError(
            f"{region.name} is {why}: not under the lighter coaching your screening answers "
            "asked for; choose another point"
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
