"""Event-type mapping, date masking, outcome removal and the library files."""

from __future__ import annotations

import pytest

from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.ml.hazard_data import (
    GROUPS,
    IMIS_TO_GROUP,
    OshaData,
    case_in_test,
    has_outcome,
    library_texts_overlap,
    load_catalogue,
    load_korean_eval,
    load_library,
    load_template_rows,
    map_event_type,
    mask_dates,
    remove_outcome_sentences,
    split_by_case,
    split_by_year,
)


def test_groups_are_product_groups() -> None:
    assert set(GROUPS) <= set(HAZARD_GROUPS)
    assert set(IMIS_TO_GROUP.values()) <= set(GROUPS)


@pytest.mark.parametrize(
    ("event", "group"),
    [
        ("Fall (from elevation)", "fall"),
        ("Fall (same level)", "fall"),
        ("Struck-by", "struck"),
        ("Struck against", "struck"),
        ("Caught in or between", "caught"),
        ("Shock", "electrical"),
        ("Inhalation", "chemical"),
        ("Ingestion", "chemical"),
        ("Absorption", "chemical"),
        ("Card-vascular/resp. fail.", "cardio_heat"),
        ("Other", "other"),
        ("Bite/sting/scratch", "other"),
        ("Rep. Motion/pressure", "other"),
        ("#N/A", None),
    ],
)
def test_event_type_mapping(event: str, group: str | None) -> None:
    assert map_event_type(event) == group


@pytest.mark.parametrize(
    "text",
    [
        "At 9:00 a.m. on August 10, 2017, an employee was operating a press.",
        "On 8/10/2017 at 14:30 an employee was operating a press.",
        "On Monday, Aug. 10 2017, at approximately 10 p.m., an employee was operating a press.",
        "In 2016 an employee was operating a press on the 3rd of March.",
        "2017년 8월 10일 오전 9시 30분 작업자가 프레스를 운전하던 중",
    ],
)
def test_mask_dates_leaves_no_date_or_year(text: str) -> None:
    masked = mask_dates(text)
    for leak in (
        "2017",
        "2016",
        "9:00",
        "14:30",
        "a.m.",
        "p.m.",
        "August",
        "Aug",
        "Monday",
        "March",
        "8월",
        "9시",
    ):
        assert leak not in masked, (leak, masked)
    assert "press" in masked or "프레스" in masked


def test_mask_dates_keeps_measurements() -> None:
    assert "24 feet" in mask_dates("The roof was 24 feet above the ground.")


def test_outcome_sentences_removed() -> None:
    text = (
        "An employee was cleaning the rollers of a conveyor. His glove was drawn into the nip point. "
        "His finger was amputated. He was hospitalized. A coworker was killed. The employee died. "
        "The deceased was found unresponsive. The guard had been removed."
    )
    kept = remove_outcome_sentences(text)
    assert kept == (
        "An employee was cleaning the rollers of a conveyor. His glove was drawn into the nip point. "
        "The guard had been removed."
    )
    assert not has_outcome(kept)
    for word in ("killed", "died", "fatal injuries", "death", "deceased", "amputated", "hospitalized"):
        assert has_outcome(f"The worker {word}."), word


def test_osha_loading_deduplicates_and_masks(osha: OshaData) -> None:
    nrs = [c.summary_nr for c in osha.cases]
    assert len(nrs) == len(set(nrs))
    texts = [" ".join(c.text.lower().split()) for c in osha.cases]
    assert len(texts) == len(set(texts))
    assert osha.duplicates_dropped >= 19
    assert osha.sha256 == "d08b15dda4e42d5c47206a8d97fcded20927941eca7805bccd9228193151e006"
    assert {c.group for c in osha.cases} == set(GROUPS)
    assert {c.year for c in osha.cases} == {2015, 2016, 2017}
    assert not any(" 2017" in c.text or " 2016" in c.text for c in osha.cases[:500])


def test_splits_are_grouped_and_frozen(osha: OshaData) -> None:
    train, test = split_by_case(osha.cases, 0.2)
    assert not {c.summary_nr for c in train} & {c.summary_nr for c in test}
    assert 0.15 < len(test) / len(osha.cases) < 0.25
    assert case_in_test("220982664", 0.2) == case_in_test("220982664", 0.2)
    early, late = split_by_year(osha.cases)
    assert {c.year for c in early} == {2015, 2016} and {c.year for c in late} == {2017}


def test_library_covers_every_group_in_both_languages() -> None:
    catalogue = load_catalogue()
    for group in GROUPS:
        for lang in ("ko", "en"):
            assert sum(1 for r in catalogue if r.group == group and r.lang == lang) >= 25, (group, lang)
    templates = load_template_rows()
    assert templates and all(r.group in GROUPS for r in templates)


def test_korean_eval_is_held_out() -> None:
    items = load_korean_eval()
    assert len(items) >= 70
    assert {i.group for i in items} == set(GROUPS)
    assert not library_texts_overlap([r.text for r in load_library()], [i.text for i in items])
