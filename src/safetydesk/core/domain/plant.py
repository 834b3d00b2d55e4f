"""Plant vocabulary: hazard tags of an area, and machine kinds beyond the Art. 126 list.

The statutory kinds and their cycles are law and live in ``resources/legal/statutory_inspections.toml``.
A machine register also holds kinds the law does not list (a lathe, an air compressor) and everyday
names of listed kinds (an overhead crane or a hoist is a 크레인 under Rule Art. 126); those are here.
"""

from __future__ import annotations

from typing import NamedTuple

# Hazard tags the area form offers as chips; areas may carry other tags (imports, the model's
# features), which are kept as they are.
HAZARD_TAGS: tuple[str, ...] = (
    "press",
    "crane",
    "forklift",
    "confined_space",
    "hot_work",
    "chemicals",
    "machining",
    "painting",
    "electrical",
    "work_at_height",
)
HAZARD_TAG_LABELS: dict[str, tuple[str, str]] = {
    "press": ("프레스", "Press"),
    "crane": ("크레인", "Crane"),
    "forklift": ("지게차", "Forklift"),
    "confined_space": ("밀폐공간", "Confined space"),
    "hot_work": ("화기작업", "Hot work"),
    "chemicals": ("화학물질", "Chemicals"),
    "machining": ("기계가공", "Machining"),
    "painting": ("도장", "Painting"),
    "electrical": ("전기", "Electrical"),
    "work_at_height": ("고소작업", "Work at height"),
    # tags areas may carry besides the chips (imports, the demo, the model's features)
    "caught": ("끼임", "Caught in"),
    "struck": ("충돌·맞음", "Struck by"),
    "noise": ("소음", "Noise"),
    "fume": ("흄", "Fume"),
    "grinding": ("연삭", "Grinding"),
    "fire": ("화재", "Fire"),
    "organic_solvent": ("유기용제", "Organic solvent"),
    "oxygen_deficiency": ("산소결핍", "Oxygen deficiency"),
    "overhead_crane": ("천장크레인", "Overhead crane"),
    "robot": ("산업용 로봇", "Industrial robot"),
    "stacking": ("적재", "Stacking"),
    "heavy_lift": ("중량물", "Heavy lifting"),
    "pressure_vessel": ("압력용기", "Pressure vessel"),
    "lifting_gear": ("양중기", "Lifting gear"),
    "dust": ("분진", "Dust"),
}


class ExtraKind(NamedTuple):
    code: str
    label_ko: str
    label_en: str
    statutory_kind: str | None  # the Art. 126 kind it is a case of, if any


EXTRA_KINDS: tuple[ExtraKind, ...] = (
    ExtraKind("overhead_crane", "천장크레인", "Overhead crane", "crane"),
    ExtraKind("hoist", "호이스트", "Hoist", "crane"),
    ExtraKind("jib_crane", "지브크레인", "Jib crane", "crane"),
    ExtraKind("air_compressor", "공기압축기", "Air compressor", None),
    ExtraKind("cnc_lathe", "CNC 선반", "CNC lathe", None),
    ExtraKind("lathe", "범용 선반", "Lathe", None),
    ExtraKind("machining_center", "머시닝센터", "Machining centre", None),
    ExtraKind("milling", "밀링", "Milling machine", None),
    ExtraKind("drill_press", "드릴링머신", "Drill press", None),
    ExtraKind("grinder", "연삭기", "Grinder", None),
    ExtraKind("welder", "용접기", "Welding machine", None),
    ExtraKind("paint_booth", "도장 부스", "Paint booth", None),
    ExtraKind("storage_tank", "저장탱크", "Storage tank", None),
    ExtraKind("other", "기타", "Other", None),
)
_ALIASES = {k.code: k.statutory_kind for k in EXTRA_KINDS}


def statutory_kind(kind: str, known: tuple[str, ...] | frozenset[str]) -> str | None:
    """The kind the legal data knows this machine as (itself, or what it is a case of), else None."""
    if kind in known:
        return kind
    return _ALIASES.get(kind)
