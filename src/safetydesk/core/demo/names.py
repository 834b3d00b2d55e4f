"""Name pools for the demo workforce: Korean names with their romanisation, and foreign workers.

The pools are plain data so that a seed picks the same people on every machine. Every name is
made up by combining common surnames and given names; any likeness to a real person is chance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

# (Hangul, romanised, weight) — weights follow the rough frequency of Korean surnames.
SURNAMES: Final[tuple[tuple[str, str, int], ...]] = (
    ("김", "Kim", 215),
    ("이", "Lee", 147),
    ("박", "Park", 84),
    ("최", "Choi", 47),
    ("정", "Jung", 43),
    ("강", "Kang", 24),
    ("조", "Cho", 21),
    ("윤", "Yoon", 21),
    ("장", "Jang", 20),
    ("임", "Lim", 17),
    ("한", "Han", 15),
    ("오", "Oh", 14),
    ("서", "Seo", 14),
    ("신", "Shin", 14),
    ("권", "Kwon", 14),
    ("황", "Hwang", 13),
    ("안", "Ahn", 13),
    ("송", "Song", 13),
    ("전", "Jeon", 11),
    ("홍", "Hong", 11),
    ("류", "Ryu", 9),
    ("고", "Ko", 9),
    ("문", "Moon", 9),
    ("양", "Yang", 8),
    ("손", "Son", 8),
    ("배", "Bae", 8),
    ("백", "Baek", 7),
    ("허", "Heo", 6),
    ("남", "Nam", 5),
    ("하", "Ha", 5),
)

GIVEN_MALE: Final[tuple[tuple[str, str], ...]] = (
    ("민수", "Min-su"),
    ("성호", "Seong-ho"),
    ("영수", "Yeong-su"),
    ("정훈", "Jeong-hun"),
    ("현우", "Hyeon-u"),
    ("지훈", "Ji-hun"),
    ("동현", "Dong-hyeon"),
    ("준호", "Jun-ho"),
    ("상철", "Sang-cheol"),
    ("재영", "Jae-yeong"),
    ("성민", "Seong-min"),
    ("종민", "Jong-min"),
    ("영호", "Yeong-ho"),
    ("진우", "Jin-u"),
    ("승현", "Seung-hyeon"),
    ("태영", "Tae-yeong"),
    ("병철", "Byeong-cheol"),
    ("기현", "Gi-hyeon"),
    ("동욱", "Dong-uk"),
    ("광수", "Gwang-su"),
    ("창호", "Chang-ho"),
    ("경민", "Gyeong-min"),
    ("대성", "Dae-seong"),
    ("재훈", "Jae-hun"),
    ("상우", "Sang-u"),
    ("민재", "Min-jae"),
    ("우진", "U-jin"),
    ("석진", "Seok-jin"),
    ("형준", "Hyeong-jun"),
    ("태훈", "Tae-hun"),
    ("용준", "Yong-jun"),
    ("정수", "Jeong-su"),
    ("명호", "Myeong-ho"),
    ("대현", "Dae-hyeon"),
    ("준영", "Jun-yeong"),
    ("성진", "Seong-jin"),
    ("경수", "Gyeong-su"),
    ("현철", "Hyeon-cheol"),
    ("인호", "In-ho"),
    ("재석", "Jae-seok"),
    ("두식", "Du-sik"),
    ("만호", "Man-ho"),
    ("봉수", "Bong-su"),
    ("철민", "Cheol-min"),
    ("윤호", "Yun-ho"),
    ("시우", "Si-u"),
    ("도윤", "Do-yun"),
    ("건우", "Geon-u"),
)

GIVEN_FEMALE: Final[tuple[tuple[str, str], ...]] = (
    ("은정", "Eun-jeong"),
    ("미경", "Mi-gyeong"),
    ("수진", "Su-jin"),
    ("지영", "Ji-yeong"),
    ("혜진", "Hye-jin"),
    ("선영", "Seon-yeong"),
    ("민지", "Min-ji"),
    ("유진", "Yu-jin"),
    ("지은", "Ji-eun"),
    ("소연", "So-yeon"),
    ("미란", "Mi-ran"),
    ("정희", "Jeong-hui"),
)


@dataclass(frozen=True)
class ForeignName:
    name: str  # Hangul transliteration, as colleagues write it on forms
    name_en: str  # passport spelling
    nationality: str  # ISO 3166 alpha-2
    language: str  # ISO 639-1


FOREIGN_WORKERS: Final[tuple[ForeignName, ...]] = (
    ForeignName("응우옌 반 흥", "NGUYEN VAN HUNG", "VN", "vi"),
    ForeignName("쩐 민 뚜언", "TRAN MINH TUAN", "VN", "vi"),
    ForeignName("레 반 득", "LE VAN DUC", "VN", "vi"),
    ForeignName("팜 꾸옥 바오", "PHAM QUOC BAO", "VN", "vi"),
    ForeignName("루스탐 카리모프", "RUSTAM KARIMOV", "UZ", "uz"),
    ForeignName("벡조드 유수포프", "BEKZOD YUSUPOV", "UZ", "uz"),
    ForeignName("람 바하두르 타파", "RAM BAHADUR THAPA", "NP", "ne"),
    ForeignName("수만 구룽", "SUMAN GURUNG", "NP", "ne"),
    ForeignName("아구스 세티아완", "AGUS SETIAWAN", "ID", "id"),
    ForeignName("데위 프라세티오", "DEWI PRASETYO", "ID", "id"),
)

LANGUAGE_NAMES_KO: Final[dict[str, str]] = {
    "ko": "한국어",
    "vi": "베트남어",
    "uz": "우즈베크어",
    "ne": "네팔어",
    "id": "인도네시아어",
}


class NamePicker:
    """Draws distinct Korean names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def korean(self, *, female: bool = False) -> tuple[str, str]:
        """A (Hangul, romanised) name not handed out before."""
        surnames = [s[:2] for s in SURNAMES]
        weights = [s[2] for s in SURNAMES]
        pool = GIVEN_FEMALE if female else GIVEN_MALE
        for _attempt in range(500):
            (sur_ko, sur_en) = self._rng.choices(surnames, weights)[0]
            given_ko, given_en = self._rng.choice(pool)
            name = sur_ko + given_ko
            if name not in self._used:
                self._used.add(name)
                return name, f"{sur_en} {given_en}"
        raise RuntimeError("name pool exhausted")  # pragma: no cover - the pool is far larger


def phone(rng: random.Random) -> str:
    """A mobile number in the 010-XXXX-XXXX shape (made up)."""
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}"
