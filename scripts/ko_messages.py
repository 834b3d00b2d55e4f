"""Korean translations, kept as a table that ``write_catalog`` turns into the shipped .po file.

Run ``python scripts/ko_messages.py`` after editing; tests fail if a message lacks a translation.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

KO: dict[str, str] = {
    "Error": "오류",
    "A workspace already exists at {path}.": "{path}에 이미 작업공간이 있습니다.",
    "Choose an empty folder, or add --force to replace it with a fresh demo.": "빈 폴더를 선택하거나, 새 데모로 바꾸려면 --force 를 붙이세요.",
    "Audit chain BROKEN at event {seq}: {reason}": "감사 체인 손상 — 이벤트 {seq}: {reason}",
    "Audit chain intact: {events} events.": "감사 체인 정상: 이벤트 {events}건.",
    "Record {entity} {id}: {reason}": "기록 {entity} {id}: {reason}",
    "Attachment {sha} is missing or damaged.": "첨부파일 {sha} 이(가) 없거나 손상되었습니다.",
    "All {records} records match the audit chain.": "기록 {records}건 모두 감사 체인과 일치합니다.",
    "Backup written: {path} ({size:,} bytes, {count} attachments)": "백업 완료: {path} ({size:,} 바이트, 첨부 {count}개)",
    "Backup checked ({records} records) and restored into {path}.": "백업을 검증(기록 {records}건)한 뒤 {path}에 복원했습니다.",
    "The previous data was kept in {path}.": "이전 데이터는 {path}에 보관했습니다.",
    "The record {id} ({entity}) does not exist.": "기록 {id} ({entity}) 이(가) 없습니다.",
    "It may have been removed; refresh the list.": "삭제되었을 수 있습니다. 목록을 새로 고치세요.",
    "This record was completed and locked on {when}; it cannot be edited.": "이 기록은 {when}에 완료·잠금되어 수정할 수 없습니다.",
    "Make a revision of it instead: the revision keeps the original as evidence.": "대신 개정본을 만드세요. 원본은 증거로 그대로 보존됩니다.",
    "This record was deleted; it cannot be edited.": "삭제된 기록이라 수정할 수 없습니다.",
    "Restore it first if it should still be used.": "계속 사용하려면 먼저 복원하세요.",
    "Required field missing: {fields}.": "필수 항목이 비어 있습니다: {fields}.",
    "Fill in the field and save again.": "항목을 입력한 뒤 다시 저장하세요.",
    "Invalid value: {problems}.": "값이 올바르지 않습니다: {problems}.",
    "Correct the field and save again.": "항목을 고친 뒤 다시 저장하세요.",
    "A template {code} version {version} already exists.": "양식 {code} 버전 {version} 이(가) 이미 있습니다.",
    "Give the copy a new code or a higher version number.": "사본에 새 코드나 더 높은 버전 번호를 지정하세요.",
    "No template with the code {code}.": "코드가 {code}인 양식이 없습니다.",
    "Check the templates list.": "양식 목록을 확인하세요.",
    "The answers name questions the template does not have: {keys}.": "양식에 없는 문항에 대한 답이 있습니다: {keys}.",
    "Reload the form and answer again.": "양식을 다시 열고 다시 답하세요.",
    "Some required questions are not answered: {keys}.": "필수 문항에 답하지 않았습니다: {keys}.",
    "Answer them, or mark them N.A., then complete the form.": "답하거나 해당없음으로 표시한 뒤 완료하세요.",
    "A photo is required for these failed items: {keys}.": "부적합 항목에는 사진이 필요합니다: {keys}.",
    "Attach a photo of each failed item, then complete the form.": "부적합 항목마다 사진을 첨부한 뒤 완료하세요.",
    "Only completed records are revised; this one is still a draft.": "완료된 기록만 개정합니다. 이 기록은 아직 작성 중입니다.",
    "Edit the draft directly.": "작성 중인 기록을 바로 수정하세요.",
    "This record must be kept until {until} by law and cannot be deleted.": "이 기록은 법에 따라 {until}까지 보존해야 하므로 삭제할 수 없습니다.",
    "Make a revision to correct it; the original stays as evidence.": "고치려면 개정본을 만드세요. 원본은 증거로 남습니다.",
    "This record is completed and kept as evidence; it cannot be deleted.": "완료되어 증거로 보존 중인 기록이라 삭제할 수 없습니다.",
    "This backup cannot be restored: {reason}.": "이 백업은 복원할 수 없습니다: {reason}.",
    "Nothing was changed. Choose another backup file.": "아무것도 바뀌지 않았습니다. 다른 백업 파일을 선택하세요.",
    "Attachment {sha} is missing from the workspace.": "첨부파일 {sha} 이(가) 작업공간에 없습니다.",
    "Restore the workspace from a backup that contains it.": "그 파일이 들어 있는 백업에서 작업공간을 복원하세요.",
    "Attachment {sha} is damaged: its content no longer matches its fingerprint.": "첨부파일 {sha} 이(가) 손상되었습니다. 내용이 지문(해시)과 맞지 않습니다.",
    "Restore the workspace from a backup; the damaged file was left untouched.": "백업에서 작업공간을 복원하세요. 손상된 파일은 건드리지 않았습니다.",
    "This workspace is open read-only.": "이 작업공간은 읽기 전용으로 열려 있습니다.",
    "Close it and open it normally to make changes.": "변경하려면 닫은 뒤 일반 모드로 여세요.",
    "No SafetyDesk workspace was found at {path}.": "{path}에서 SafetyDesk 작업공간을 찾지 못했습니다.",
    "Check the folder, or create a new workspace there.": "폴더를 확인하거나 그곳에 새 작업공간을 만드세요.",
    "This workspace was made by a newer version of SafetyDesk (schema {rev}).": "이 작업공간은 더 새로운 버전의 SafetyDesk로 만들어졌습니다 (스키마 {rev}).",
    "Install the newer SafetyDesk to open it; nothing in the workspace was changed.": "새 버전의 SafetyDesk를 설치해 여세요. 작업공간은 전혀 바뀌지 않았습니다.",
    "This workspace needs an upgrade before it can be opened read-only.": "이 작업공간은 읽기 전용으로 열기 전에 업그레이드가 필요합니다.",
    "Open it normally once; SafetyDesk backs it up and upgrades it.": "한 번 일반 모드로 여세요. SafetyDesk가 백업한 뒤 업그레이드합니다.",
    "SafetyDesk cannot write to {path}: {reason}.": "SafetyDesk가 {path}에 쓸 수 없습니다: {reason}.",
    "Check that the disk is not full or read-only, or open the workspace read-only.": "디스크가 가득 찼거나 읽기 전용인지 확인하거나, 작업공간을 읽기 전용으로 여세요.",
    "This workspace is already open in another SafetyDesk window: {holder}.": "이 작업공간은 이미 다른 SafetyDesk 창에서 열려 있습니다: {holder}.",
    "Switch to that window, or close it and try again.": "그 창으로 전환하거나, 닫은 뒤 다시 시도하세요.",
    "The workspace file {path} is not a SafetyDesk database or is damaged.": "작업공간 파일 {path} 은(는) SafetyDesk 데이터베이스가 아니거나 손상되었습니다.",
    "Restore it from a backup (safetydesk restore); the damaged file was not changed.": "백업에서 복원하세요 (safetydesk restore). 손상된 파일은 바꾸지 않았습니다.",
    "The file {path} is an SQLite database but not a SafetyDesk workspace.": "{path} 파일은 SQLite 데이터베이스이지만 SafetyDesk 작업공간이 아닙니다.",
    "Choose the folder of a SafetyDesk workspace, or restore one from a backup.": "SafetyDesk 작업공간 폴더를 선택하거나 백업에서 복원하세요.",
    "The workspace database {path} cannot be read: {reason}.": "작업공간 데이터베이스 {path}를 읽을 수 없습니다: {reason}.",
    "Upgrading the workspace failed: {reason}.": "작업공간 업그레이드에 실패했습니다: {reason}.",
    "The workspace was left as it was; a backup was made before the attempt. Report this problem.": "작업공간은 원래대로 두었고, 시도 전에 백업을 만들었습니다. 이 문제를 알려 주세요.",
    "Screenshots written to {path}": "화면 캡처를 {path}에 저장했습니다",
    "Overdue corrective actions": "기한 지난 개선조치",
    "Actions due within 7 days": "7일 안에 기한인 개선조치",
    "Open corrective actions": "진행 중인 개선조치",
    "Statutory machine inspections overdue": "기한 지난 안전검사(법정)",
    "Statutory inspections due within 60 days": "60일 안에 도래하는 안전검사",
    "Inspections in the last 30 days": "최근 30일 점검",
    "Near misses in the last 90 days": "최근 90일 아차사고",
    "People on the roster": "등록 인원",
    "Home": "홈",
    "Plant": "사업장·설비",
    "Sites, areas and the equipment register with statutory inspection dates.": "사업장, 구역, 그리고 법정 안전검사 일정이 있는 설비 대장.",
    "Inspections": "점검",
    "Checklists, pre-work checks, permits and TBM minutes.": "점검표, 작업시작 전 점검, 작업허가서, TBM 기록.",
    "Corrective actions": "개선조치",
    "Findings and corrective actions with owners, due dates and evidence.": "지적사항과 개선조치 — 담당자, 기한, 증빙.",
    "Risk assessments": "위험성평가",
    "KRAS risk assessment tables with the risk engine.": "위험성 계산 엔진을 갖춘 KRAS 위험성평가표.",
    "Emergency": "비상대응",
    "Emergency manual and drills.": "중대산업재해 대응 매뉴얼과 훈련.",
    "Incidents and near misses": "사고·아차사고",
    "Incidents, near misses and worker suggestions.": "사고, 아차사고, 근로자 제안.",
    "People and training": "인원·교육",
    "Roster, education records and hours per half-year.": "인원 명부, 교육 기록, 반기별 교육 시간.",
    "Settings": "설정",
    "Company details, approval block, language, backups.": "회사 정보, 결재란, 언어, 백업.",
}


def write_catalog() -> Path:
    root = Path(__file__).resolve().parents[1]
    target = root / "resources" / "locale" / "ko" / "LC_MESSAGES" / "safetydesk.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale="ko", project="SafetyDesk", fuzzy=False)
    for msgid, msgstr in KO.items():
        catalog.add(msgid, msgstr)
    with target.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False)
    return target


if __name__ == "__main__":
    print(write_catalog())
