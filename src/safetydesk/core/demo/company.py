"""The demo company: a Busan machine shop making ship-outfitting parts, its areas and machines.

Everything here is invented (names, numbers, addresses); it is shaped after a typical 녹산산단
supplier of shipyards so that screens, reports and the model see believable data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SITE: Final[dict[str, object]] = {
    "name": "(주)동남정밀",
    "name_en": "Dongnam Precision Co., Ltd.",
    "address": "부산광역시 강서구 녹산산단335로 27 (송정동, 녹산국가산업단지)",
    "business_reg_no": "617-81-52794",
    "insurance_no": "6178152794-0",
    "ksic_code": "31114",
    "industry": "선박 구성 부분품 제조업 (선박 의장품·블록 구조물 가공)",
    "uses_contractors": True,
}
SITE_NAME_KO: Final = "(주)동남정밀"
FLOOR_PLAN_SIZE: Final = (1200, 800)


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    name_en: str
    hazard_tags: tuple[str, ...]
    polygon: tuple[tuple[int, int], ...]
    description: str
    team: str  # the team code that works here (see TEAMS)
    inspection_fail_rate: float  # chance that one item of the monthly inspection fails
    na_sections: tuple[str, ...] = ()  # monthly-inspection sections that do not apply here
    colour: tuple[int, int, int] = (200, 200, 200)


AREAS: Final[tuple[AreaSpec, ...]] = (
    AreaSpec(
        "PR",
        "프레스 라인",
        "Press line",
        ("press", "crane", "caught", "noise"),
        ((40, 40), (420, 40), (420, 300), (40, 300)),
        "80~500톤 프레스 5대와 전단기 2대. 의장품 브래킷·클립 블랭킹, 벤딩. 금형 교체용 5톤 크레인.",
        "press",
        0.035,
        ("hot_work",),
        (214, 120, 96),
    ),
    AreaSpec(
        "CR",
        "크레인 베이",
        "Crane bay (assembly)",
        ("crane", "overhead_crane", "struck", "heavy_lift"),
        ((420, 40), (860, 40), (860, 300), (420, 300)),
        "10톤 천장크레인 2대가 있는 조립·출하 베이. 의장품 블록 조립, 출하 전 포장.",
        "assembly",
        0.018,
        ("chemicals",),
        (120, 156, 214),
    ),
    AreaSpec(
        "PT",
        "도장 부스",
        "Paint booth",
        ("painting", "chemicals", "fire", "organic_solvent", "dust"),
        ((860, 40), (1160, 40), (1160, 300), (860, 300)),
        "건식 필터형 도장 부스와 블라스팅실. 에폭시·우레탄 도료, 시너 사용. 협력업체(세진도장) 상주.",
        "paint",
        0.022,
        ("hot_work", "lifting_gear"),
        (150, 196, 120),
    ),
    AreaSpec(
        "WD",
        "용접 베이",
        "Welding bay",
        ("hot_work", "fume", "robot", "crane"),
        ((40, 300), (460, 300), (460, 560), (40, 560)),
        "CO2 반자동 용접 12개 스테이션, 용접 로봇 셀, 가스 절단. 5톤 천장크레인, 중앙 흄 집진.",
        "welding",
        0.032,
        (),
        (232, 168, 72),
    ),
    AreaSpec(
        "MC",
        "가공",
        "Machining",
        ("machining", "grinding", "caught", "noise"),
        ((460, 300), (860, 300), (860, 560), (460, 560)),
        "CNC 선반·머시닝센터·범용 밀링·연삭기. 절삭유 사용, 2.8톤 호이스트.",
        "machining",
        0.018,
        ("hot_work",),
        (168, 132, 204),
    ),
    AreaSpec(
        "WH",
        "창고",
        "Warehouse",
        ("forklift", "struck", "stacking"),
        ((860, 300), (1160, 300), (1160, 760), (700, 760), (700, 560), (860, 560)),
        "원자재(강판·형강) 야적, 제품 랙 창고, 상하차장. 지게차 3대 운행.",
        "assembly",
        0.016,
        ("hot_work", "chemicals"),
        (196, 188, 128),
    ),
    AreaSpec(
        "CP",
        "컴프레서실",
        "Compressor room",
        ("pressure_vessel", "noise", "electrical"),
        ((40, 560), (260, 560), (260, 760), (40, 760)),
        "스크류 공기압축기 2대와 공기저장탱크, 제습기. 평소 무인, 보전반이 일상 점검.",
        "maintenance",
        0.012,
        ("hot_work", "chemicals", "lifting_gear"),
        (128, 188, 196),
    ),
    AreaSpec(
        "TK",
        "저장탱크",
        "Storage tank (confined space)",
        ("confined_space", "oxygen_deficiency", "chemicals"),
        ((260, 560), (460, 560), (460, 760), (260, 760)),
        "세척수 저장탱크(30 m³)와 지하 집수조. 밀폐공간 — 허가 없이 출입 금지. 분기별 청소는 협력업체.",
        "maintenance",
        0.015,
        ("hot_work", "lifting_gear"),
        (160, 160, 160),
    ),
)


@dataclass(frozen=True)
class TeamSpec:
    code: str
    name: str  # 반 / 팀 name
    department: str
    supervisor_title: str
    size: int  # production workers besides the supervisor
    foreign: int  # how many of them are foreign workers
    tbm_place: str
    night_shift: bool = False  # runs a night shift on busy days (a night lead checks machines)


TEAMS: Final[tuple[TeamSpec, ...]] = (
    TeamSpec("press", "프레스반", "생산1팀", "프레스반장", 7, 2, "프레스 라인 1번 기둥 앞 TBM 구역", True),
    TeamSpec("welding", "용접반", "생산2팀", "용접반장", 10, 3, "용접 베이 흄 집진기 옆", True),
    TeamSpec("machining", "가공반", "가공팀", "가공반장", 7, 1, "가공동 공구실 앞"),
    TeamSpec("paint", "도장반", "도장팀", "도장반장", 2, 1, "도장 부스 전실"),
    TeamSpec("assembly", "조립·물류반", "조립물류팀", "조립물류반장", 5, 1, "크레인 베이 출하장"),
    TeamSpec("maintenance", "보전반", "설비보전팀", "보전반장", 2, 0, "보전실"),
)


@dataclass(frozen=True)
class EquipmentSpec:
    code: str
    name: str
    kind: str
    area: str
    maker: str
    model: str
    capacity: str
    age_days: int  # installed this many days before "today"
    prework: str | None = None  # template code of the pre-work check, if the law asks for one
    statutory_kind: str | None = None  # kind in statutory_inspections.toml
    inspection: str = "normal"  # normal | overdue | due_soon — statutory inspection state today
    use_share: float = 1.0  # share of working days the machine runs
    night: bool = False  # also runs on the night shift


EQUIPMENT: Final[tuple[EquipmentSpec, ...]] = (
    EquipmentSpec(
        "PR-01",
        "80톤 크랭크 프레스",
        "press",
        "PR",
        "심팩",
        "SPC-80",
        "80 ton",
        5400,
        "prework.press",
        "press",
        night=True,
    ),
    EquipmentSpec(
        "PR-02",
        "150톤 크랭크 프레스",
        "press",
        "PR",
        "심팩",
        "SPC-150",
        "150 ton",
        4300,
        "prework.press",
        "press",
        "due_soon",
        night=True,
    ),
    EquipmentSpec(
        "PR-03",
        "200톤 유압 프레스",
        "press",
        "PR",
        "동진유압",
        "DJH-200",
        "200 ton",
        3800,
        "prework.press",
        "press",
        night=True,
    ),
    EquipmentSpec(
        "PR-04",
        "300톤 서보 프레스",
        "press",
        "PR",
        "아이다",
        "NS2-3000",
        "300 ton",
        1600,
        "prework.press",
        "press",
        night=True,
    ),
    EquipmentSpec(
        "PR-05",
        "500톤 유압 벤딩 프레스",
        "press",
        "PR",
        "동진유압",
        "DJB-500",
        "500 ton",
        2700,
        "prework.press",
        "press",
        use_share=0.7,
    ),
    EquipmentSpec(
        "SH-01",
        "유압식 전단기 13t×3100",
        "shear",
        "PR",
        "하이드로맥",
        "HS-1331",
        "13 t × 3,100 mm",
        4700,
        "prework.press",
        "shear",
        "overdue",
        use_share=0.8,
        night=True,
    ),
    EquipmentSpec(
        "SH-02",
        "기계식 전단기 6t×2500",
        "shear",
        "PR",
        "한국기계",
        "KMS-625",
        "6 t × 2,500 mm",
        6200,
        "prework.press",
        "shear",
        use_share=0.5,
    ),
    EquipmentSpec(
        "CR-01",
        "천장크레인 10톤 (A베이)",
        "overhead_crane",
        "CR",
        "대한호이스트",
        "DHC-10",
        "10 t",
        5900,
        "prework.overhead_crane",
        "crane",
    ),
    EquipmentSpec(
        "CR-02",
        "천장크레인 10톤 (B베이)",
        "overhead_crane",
        "CR",
        "대한호이스트",
        "DHC-10",
        "10 t",
        5900,
        "prework.overhead_crane",
        "crane",
        "due_soon",
    ),
    EquipmentSpec(
        "CR-03",
        "천장크레인 5톤 (용접 베이)",
        "overhead_crane",
        "WD",
        "대한호이스트",
        "DHC-5",
        "5 t",
        4500,
        "prework.overhead_crane",
        "crane",
        night=True,
    ),
    EquipmentSpec(
        "CR-04",
        "천장크레인 5톤 (프레스 금형용)",
        "overhead_crane",
        "PR",
        "대한호이스트",
        "DHC-5",
        "5 t",
        5300,
        "prework.overhead_crane",
        "crane",
        use_share=0.6,
        night=True,
    ),
    EquipmentSpec(
        "HS-01",
        "전동 호이스트 2.8톤 (가공)",
        "hoist",
        "MC",
        "기성호이스트",
        "KSH-2.8",
        "2.8 t",
        3300,
        "prework.overhead_crane",
        "crane",
        use_share=0.7,
    ),
    EquipmentSpec(
        "FL-01",
        "디젤 지게차 3톤",
        "forklift",
        "WH",
        "두산",
        "D30S-7",
        "3 t",
        4000,
        "prework.forklift",
        "forklift",
    ),
    EquipmentSpec(
        "FL-02",
        "전동 지게차 2.5톤",
        "forklift",
        "WH",
        "두산",
        "B25X-7",
        "2.5 t",
        2500,
        "prework.forklift",
        "forklift",
    ),
    EquipmentSpec(
        "FL-03",
        "디젤 지게차 5톤",
        "forklift",
        "CR",
        "HD현대",
        "50D-9",
        "5 t",
        1900,
        "prework.forklift",
        "forklift",
        use_share=0.6,
    ),
    EquipmentSpec(
        "AC-01",
        "스크류 공기압축기 75 kW",
        "air_compressor",
        "CP",
        "한신기계",
        "HSC-75",
        "75 kW, 0.8 MPa",
        4600,
        "prework.air_compressor",
    ),
    EquipmentSpec(
        "AC-02",
        "스크류 공기압축기 37 kW (예비)",
        "air_compressor",
        "CP",
        "한신기계",
        "HSC-37",
        "37 kW, 0.8 MPa",
        3000,
        "prework.air_compressor",
        use_share=0.3,
    ),
    EquipmentSpec(
        "AR-01",
        "공기저장탱크 2 m³",
        "pressure_vessel",
        "CP",
        "대영압력",
        "AR-2000",
        "2 m³, 0.93 MPa",
        4600,
        None,
        "pressure_vessel",
    ),
    EquipmentSpec(
        "RB-01",
        "용접 로봇 1호기 (6축)",
        "industrial_robot",
        "WD",
        "현대로보틱스",
        "HH020",
        "20 kg",
        2200,
        "prework.industrial_robot",
        "industrial_robot",
        night=True,
    ),
    EquipmentSpec(
        "RB-02",
        "용접 로봇 2호기 (6축, 포지셔너)",
        "industrial_robot",
        "WD",
        "현대로보틱스",
        "HH020L",
        "20 kg",
        300,
        "prework.industrial_robot",
        "industrial_robot",
        night=True,
    ),
    EquipmentSpec(
        "LEV-01",
        "용접흄 국소배기장치 (중앙집진)",
        "local_exhaust",
        "WD",
        "청우환경",
        "CW-DC120",
        "120 m³/min",
        4200,
        None,
        "local_exhaust",
        "overdue",
    ),
    EquipmentSpec(
        "LEV-02",
        "도장 부스 배기장치",
        "local_exhaust",
        "PT",
        "청우환경",
        "CW-PB80",
        "80 m³/min",
        3700,
        None,
        "local_exhaust",
    ),
    EquipmentSpec(
        "CNC-01", "CNC 선반 1호기", "cnc_lathe", "MC", "DN솔루션즈", "PUMA 2600Y", "Ø 376 mm", 3200
    ),
    EquipmentSpec("CNC-02", "CNC 선반 2호기", "cnc_lathe", "MC", "DN솔루션즈", "LYNX 2100", "Ø 300 mm", 2100),
    EquipmentSpec(
        "MCT-01",
        "수직형 머시닝센터",
        "machining_center",
        "MC",
        "DN솔루션즈",
        "DNM 5700",
        "1,300 × 570 mm",
        2900,
    ),
    EquipmentSpec("MIL-01", "범용 밀링", "milling", "MC", "화천기계", "HMV-1", "1,200 × 300 mm", 6400),
    EquipmentSpec("GR-01", "평면 연삭기", "grinder", "MC", "화천기계", "HSG-510", "500 × 1,000 mm", 5000),
    EquipmentSpec("GR-02", "탁상 연삭기", "grinder", "MC", "계양", "KBG-200", "Ø 205 mm", 3600),
    EquipmentSpec("PB-01", "건식 도장 부스", "paint_booth", "PT", "청우환경", "CW-DB", "6 × 4 × 4 m", 3700),
    EquipmentSpec("TK-01", "세척수 저장탱크 30 m³", "storage_tank", "TK", "대영압력", "ST-30", "30 m³", 5200),
)


@dataclass(frozen=True)
class ContractorSpec:
    key: str
    name: str
    business_reg_no: str
    work_scope: str
    contact_title: str
    workers: int
    area: str
    contract_age_days: int  # contract started this many days before today
    safety_cost_standard: str
    building_period_standard: str | None


CONTRACTORS: Final[tuple[ContractorSpec, ...]] = (
    ContractorSpec(
        "sejin",
        "(주)세진도장",
        "621-86-30418",
        "의장품 블라스팅 및 도장 (사내 도장 부스 상주 작업)",
        "현장소장",
        5,
        "PT",
        4200,
        "도급금액의 2.5% 이상을 안전보건관리비로 계상하고 분기별 사용 내역(보호구·방독마스크 정화통·"
        "환기설비 점검)을 제출받아 확인한다.",
        "선박 의장품 납기 산정 시 도장 건조시간(도막 경화 24시간)과 야간·휴일 작업을 전제로 하지 "
        "않는 공정표를 기준으로 한다.",
    ),
    ContractorSpec(
        "hanbit",
        "한빛크레인정비(주)",
        "605-81-77215",
        "천장크레인·호이스트 정기 정비 및 와이어로프 교체",
        "대표",
        2,
        "CR",
        3100,
        "정비 작업 1건당 추락방지대·작업발판 등 안전시설 비용을 견적에 별도 항목으로 반영한다.",
        None,
    ),
    ContractorSpec(
        "noksan",
        "(주)녹산환경테크",
        "618-86-12093",
        "저장탱크·집수조 청소 (밀폐공간 작업) 및 폐유 수거",
        "작업팀장",
        3,
        "TK",
        2600,
        "밀폐공간 작업 시 가스측정기·송기마스크·구조용 삼각대 임차 비용은 도급인이 별도 지급한다.",
        None,
    ),
)
