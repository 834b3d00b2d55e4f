"""Plant-screen writes: sites, headcounts, areas with outlines, machines and their inspection dates."""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from safetydesk.core.errors import ValidationError
from safetydesk.core.queries import plant as q
from safetydesk.core.queries.lists import ListQuery, count, page
from safetydesk.core.services import records
from safetydesk.core.services.images import MAX_IMAGE_BYTES, check_image_file
from safetydesk.core.services.plant import (
    delete_area,
    record_headcount,
    record_inspection,
    save_area,
    save_equipment,
    save_site,
    set_area_polygon,
    set_floor_plan,
)
from safetydesk.core.workspace.workspace import Workspace


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A tiny valid PNG, built by hand so the core tests need no Qt."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _site(ws: Workspace) -> str:
    return save_site(ws, {"name": "(주)동남정밀", "business_reg_no": "6178152794", "ksic_code": "c29"}).id


def test_site_numbers_are_checked_and_normalised(ws: Workspace) -> None:
    site = _site(ws)
    detail = q.site_detail(ws, site)
    assert detail.business_reg_no == "617-81-52794"
    assert detail.ksic_code == "C29"
    with pytest.raises(ValidationError) as err:
        save_site(ws, {"name": "x", "business_reg_no": "617-8-152794"}, site)
    assert "000-00-00000" in err.value.text("en")
    assert "000-00-00000" in err.value.text("ko") and err.value.text("ko") != err.value.text("en")
    with pytest.raises(ValidationError):
        save_site(ws, {"name": "x", "ksic_code": "12-34"}, site)
    with pytest.raises(ValidationError):
        save_site(ws, {"name": "  "}, site)
    assert q.site_detail(ws, site).name == "(주)동남정밀"  # nothing was written


def test_headcount_history_and_the_one_in_force(ws: Workspace) -> None:
    site = _site(ws)
    today = date(2026, 6, 1)
    record_headcount(ws, site, date(2025, 1, 1), 40, 5)
    record_headcount(ws, site, date(2026, 3, 1), 52, 8, "신규 채용")
    record_headcount(ws, site, date(2026, 3, 1), 55, 8, "정정")  # same date corrects, not duplicates
    record_headcount(ws, site, date(2026, 9, 1), 60, 8)  # planned, not yet in force
    head = q.site_detail(ws, site, today).headcount
    assert head is not None and (head.regular_workers, head.total, head.note) == (55, 63, "정정")
    assert count(ws, ListQuery("site_headcounts", {"site_id": site})) == 3
    with pytest.raises(ValidationError):
        record_headcount(ws, site, date(2026, 1, 1), -1)


def test_area_codes_are_unique_per_site_and_outlines_round_trip(ws: Workspace) -> None:
    site = _site(ws)
    press = save_area(
        ws, {"site_id": site, "code": "PR", "name": "프레스 라인", "hazard_tags": ["press", "noise", "press"]}
    ).id
    with pytest.raises(ValidationError) as err:
        save_area(ws, {"site_id": site, "code": "pr", "name": "중복"})
    assert "pr" in err.value.text("en")
    other_site = save_site(ws, {"name": "제2공장"}).id
    save_area(ws, {"site_id": other_site, "code": "PR", "name": "다른 사업장"})  # fine elsewhere
    assert q.area_detail(ws, press).hazard_tags == ("press", "noise")
    set_area_polygon(ws, press, [[10, 20], [110.04, 20], [110, 90.26]])
    assert q.area_detail(ws, press).polygon == ((10.0, 20.0), (110.0, 20.0), (110.0, 90.3))
    with pytest.raises(ValidationError):
        set_area_polygon(ws, press, [[0, 0], [1, 1]])
    rows = page(ws, ListQuery("areas", {"site_id": site}), 0, 10)
    outlined = rows.rows[0][[c.key for c in q_columns("areas")].index("outlined")]
    assert outlined
    set_area_polygon(ws, press, None)
    assert q.area_detail(ws, press).polygon == ()


def q_columns(name: str):  # type: ignore[no-untyped-def]
    from safetydesk.core.queries.lists import get_list

    return get_list(name).columns


def test_area_with_machines_cannot_be_removed(ws: Workspace) -> None:
    site = _site(ws)
    area = save_area(ws, {"site_id": site, "code": "PR", "name": "프레스"}).id
    machine = save_equipment(
        ws, {"site_id": site, "area_id": area, "code": "PR-01", "name": "80톤 프레스", "kind": "press"}
    ).id
    with pytest.raises(ValidationError):
        delete_area(ws, area)
    save_equipment(ws, {"area_id": None}, machine)
    delete_area(ws, area)
    assert q.site_areas(ws, site) == ()


def test_machine_due_dates_follow_kind_and_everyday_names(ws: Workspace) -> None:
    site = _site(ws)
    on = date(2026, 6, 2)
    crane = save_equipment(
        ws,
        {
            "site_id": site,
            "code": "CR-01",
            "name": "10톤 천장크레인",
            "kind": "overhead_crane",
            "installed_on": "2024-05-10",
        },
        on=on,
    ).id
    assert q.equipment_detail(ws, crane).next_inspection_due == "2027-05-10"  # a crane: 36 months
    # changing the kind to one without a cycle clears the date instead of leaving a stale one
    save_equipment(ws, {"kind": "forklift"}, crane, on=on)
    assert q.equipment_detail(ws, crane).next_inspection_due is None
    save_equipment(ws, {"kind": "overhead_crane"}, crane, on=on)
    assert record_inspection(ws, crane, date(2026, 5, 1), certificate_no="KC-1", today=on) == "2028-05-01"
    detail = q.equipment_detail(ws, crane)
    assert (detail.last_inspected_on, detail.certificate_no) == ("2026-05-01", "KC-1")
    with pytest.raises(ValidationError):
        record_inspection(ws, crane, on + timedelta(days=1), today=on)
    with pytest.raises(ValidationError):
        record_inspection(ws, crane, date(2020, 1, 1), today=on)
    with pytest.raises(ValidationError):
        save_equipment(ws, {"site_id": site, "code": "cr-01", "name": "중복", "kind": "press"}, on=on)


def test_statutory_filters_match_the_home_tiles(ws: Workspace) -> None:
    site = _site(ws)
    today = date.today()

    def machine(code: str, due: date | None, retired: bool = False) -> None:
        new = save_equipment(ws, {"site_id": site, "code": code, "name": code, "kind": "air_compressor"}).id
        records.update(
            ws,
            "equipment",
            new,
            {"next_inspection_due": due, "retired_on": today if retired else None},
        )

    machine("A", today - timedelta(days=1))
    machine("B", today + timedelta(days=10))
    machine("C", today + timedelta(days=90))
    machine("D", today - timedelta(days=5), retired=True)
    machine("E", None)

    def codes(**filters: object) -> list[str]:
        result = page(ws, ListQuery("equipment", {"site_id": site, **filters}), 0, 50)
        return [r[0] for r in result.rows]

    assert codes(statutory="overdue") == ["A"]
    assert codes(statutory="due_60d") == ["B"]
    assert codes(statutory="untracked") == ["E"]
    assert codes(service="retired") == ["D"]
    assert codes(service="in_service") == ["A", "B", "C", "E"]


def test_floor_plan_is_stored_and_large_or_foreign_files_are_refused(ws: Workspace, tmp_path: Path) -> None:
    site = _site(ws)
    plan = tmp_path / "plan.png"
    plan.write_bytes(png_bytes())
    sha = set_floor_plan(ws, site, plan)
    assert q.site_detail(ws, site).floor_plan_sha256 == sha
    assert ws.attachments.read_bytes(sha) == plan.read_bytes()
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.7 ...")
    with pytest.raises(ValidationError) as err:
        set_floor_plan(ws, site, pdf)
    assert "PNG" in err.value.text("en")
    big = tmp_path / "big.png"
    with big.open("wb") as fh:
        fh.write(png_bytes())
        fh.truncate(MAX_IMAGE_BYTES + 1)
    with pytest.raises(ValidationError) as err:
        check_image_file(big)
    assert "20 MB" in err.value.text("en")


def test_equipment_kinds_come_from_the_legal_data() -> None:
    kinds = {k.code: k for k in q.equipment_kinds(date(2026, 6, 2))}
    assert kinds["press"].statutory and kinds["press"].then_every_months == 24
    assert not kinds["forklift"].statutory and kinds["forklift"].reason_ko
    assert kinds["hoist"].case_of == "crane" and kinds["hoist"].statutory
    assert kinds["lathe"].case_of is None and not kinds["lathe"].statutory
