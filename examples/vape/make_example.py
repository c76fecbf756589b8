"""Write the example populations of ``examples/vape/``: ``communes.json`` (two communes of two
provinces with their villages, clans, families, members and commune bodies, and the members'
learning-citizen results), ``scholarship.json`` (one edition's candidates in three
categories), ``nominations.json`` (Nhân tài Đất Việt entries from several organisations),
``medal.json`` (proposals for the association's medal) and ``cluster3.json`` (the provincial
associations of cluster 3 with the figures of seed 003). Deterministic: run it again and the
files are the same (``python examples/vape/make_example.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PERIOD = "2025"

#: GĐHT sheet points per family: 1a 1b 1c, 2a 2b 2c, criteria 3 and 4.
STRONG = (10, 10, 10, 10, 10, 10, 20, 18)  # 98
GOOD = (10, 10, 8, 10, 8, 8, 15, 15)  # 84
BORDER = (10, 8, 8, 10, 8, 6, 15, 15)  # 80
WEAK = (10, 6, 8, 10, 5, 5, 10, 10)  # 64
ITEMS = (
    "gdht_children_school",
    "gdht_children_results",
    "gdht_children_conduct",
    "gdht_adults_literacy",
    "gdht_adults_study",
    "gdht_adults_third",
    "gdht_conditions",
    "gdht_effects",
)

FILES: dict[str, list[dict[str, Any]]] = {}
subjects: list[dict[str, Any]] = []


def start(name: str) -> None:
    """The subjects added from here on go to ``name``."""
    global subjects
    subjects = FILES.setdefault(name, [])


def add(sid: str, name: str, kind: str = "collective", **extra: Any) -> dict[str, Any]:
    facts = extra.pop("facts", None)
    subject: dict[str, Any] = {"id": sid, "kind": kind, "name": name, **extra}
    if facts is not None:
        subject["facts"] = {PERIOD: facts}
    subjects.append(subject)
    return subject


#: A learning-citizen self-assessment (three competencies) of someone not yet certified.
PASSING = (30, 30, 15)  # 75
SHORT = (20, 20, 15)  # 55


def citizen(certified: bool | tuple[int, int, int]) -> dict[str, Any]:
    """Certified outside (True), or not, with the self-assessment's points."""
    if certified is True:
        return {"cdht_certified": True}
    points = SHORT if certified is False else certified
    return {"cdht_certified": False, "cdht_self_study": points[0], "cdht_tools": points[1],
            "cdht_social": points[2]}  # fmt: skip


def family(sid: str, name: str, parent: str, sheet: tuple[int, ...], adults: list[Any]) -> None:
    add(sid, name, parent=parent, level="gia_dinh",
        facts={"model_kind": "family", **dict(zip(ITEMS, sheet, strict=True))})  # fmt: skip
    for i, certified in enumerate(adults, 1):
        add(f"{sid}-{i}", f"Thành viên {i} ({name})", "person", parent=sid,
            facts={"role": "adult", **citizen(certified)})  # fmt: skip


def clan(sid: str, name: str, parent: str, fund: bool = True) -> None:
    add(sid, name, parent=parent, level="dong_ho",
        facts={"model_kind": "clan", "dhht_learning_fund": fund, "dhht_helps_poor": True,
               "dhht_no_dropouts": True})  # fmt: skip


def body(sid: str, name: str, parent: str, score: str, officials: list[Any]) -> None:
    add(sid, name, parent=parent, level="co_quan",
        facts={"model_kind": "commune_body", "dvht_score": score})  # fmt: skip
    for i, certified in enumerate(officials, 1):
        add(f"{sid}-{i}", f"Cán bộ {i} ({name})", "person", parent=sid,
            facts={"role": "official", **citizen(certified)})  # fmt: skip


start("communes.json")
# -- Phú Thọ: its plan for QĐ 677 sets 60 % adults and 85 % officials for 2025 ----------------
add("pt", "Tỉnh Phú Thọ (ví dụ)", level="tinh",
    facts={"cdht_adults_target_own": "0.6", "cdht_officials_target_own": "0.85"})  # fmt: skip
add("pt-h", "Huyện Thanh Ba (ví dụ)", parent="pt", level="huyen")
add("xa-dl", "Xã Đông Lĩnh (ví dụ)", parent="pt-h", level="xa")
add("dl-t1", "Thôn 1, xã Đông Lĩnh", parent="xa-dl", level="thon",
    facts={"model_kind": "village", "cdht_village_score": "88"})  # fmt: skip
add("dl-t2", "Thôn 2, xã Đông Lĩnh", parent="xa-dl", level="thon",
    facts={"model_kind": "village", "cdht_village_score": "72.5"})  # fmt: skip
clan("dl-ho-nguyen", "Dòng họ Nguyễn, thôn 1", "dl-t1")
family("dl-gd01", "Gia đình ông Nguyễn Văn An", "dl-ho-nguyen", STRONG, [True, True])
family("dl-gd02", "Gia đình ông Nguyễn Văn Bình", "dl-ho-nguyen", BORDER, [True, False])
family("dl-gd03", "Gia đình bà Nguyễn Thị Cúc", "dl-ho-nguyen", WEAK, [False, False])
family("dl-gd04", "Gia đình ông Nguyễn Văn Dũng", "dl-ho-nguyen", WEAK, [True, False])
clan("dl-ho-tran", "Dòng họ Trần, thôn 2", "dl-t2")
family("dl-gd05", "Gia đình ông Trần Văn Em", "dl-ho-tran", GOOD, [True, True])
family("dl-gd06", "Gia đình bà Trần Thị Gấm", "dl-ho-tran", WEAK, [PASSING, True])
family("dl-gd07", "Gia đình ông Trần Văn Hòa", "dl-ho-tran", WEAK, [False, False])
family("dl-gd08", "Gia đình ông Lê Văn Khải", "dl-t1", STRONG, [True, True])
family("dl-gd09", "Gia đình bà Phạm Thị Lan", "dl-t1", GOOD, [True, PASSING])
family("dl-gd10", "Gia đình ông Hoàng Văn Minh", "dl-t2", GOOD, [False, True])
body("dl-ubnd", "Ủy ban nhân dân xã Đông Lĩnh", "xa-dl", "93", [True, True, True, False])
body("dl-thcs", "Trường THCS Đông Lĩnh", "xa-dl", "91", [True, True, True])
body("dl-tyt", "Trạm y tế xã Đông Lĩnh", "xa-dl", "78", [True, False])

# -- Nghệ An: the 2023–2030 aims of all families learning families, all agencies learning units
add("na", "Tỉnh Nghệ An (ví dụ)", level="tinh",
    facts={"gdht_target_own": "1", "dvht_target_own": "1"})  # fmt: skip
add("na-h", "Huyện Nam Đàn (ví dụ)", parent="na", level="huyen")
add("xa-kl", "Xã Kim Liên (ví dụ)", parent="na-h", level="xa")
add("kl-t1", "Xóm Sen 1, xã Kim Liên", parent="xa-kl", level="thon",
    facts={"model_kind": "village", "cdht_village_score": "95"})  # fmt: skip
family("kl-gd01", "Gia đình ông Hồ Văn Nam", "kl-t1", STRONG, [True, True])
family("kl-gd02", "Gia đình bà Hồ Thị Oanh", "kl-t1", STRONG, [True, True])
family("kl-gd03", "Gia đình ông Võ Văn Phúc", "kl-t1", GOOD, [True, False])
family("kl-gd04", "Gia đình ông Đặng Văn Quang", "kl-t1", BORDER, [True, True])
family("kl-gd05", "Gia đình bà Ngô Thị Sương", "kl-t1", WEAK, [False, True])
body("kl-ubnd", "Ủy ban nhân dân xã Kim Liên", "xa-kl", "96", [True, True, True])

# -- Học bổng "Học không bao giờ ngừng": one edition's candidates ----------------------------
start("scholarship.json")
SCHOLARSHIP = [
    ("hb-01", "Em Nguyễn Thu Hà (lớp 9)", "pupil_student", {"excellent_results": True}, "96"),
    ("hb-02", "Em Trần Minh Khôi (lớp 12)", "pupil_student", {"excellent_results": True}, "94"),
    ("hb-03", "Em Lê Bảo Ngọc (sinh viên)", "pupil_student", {"excellent_results": True}, "91"),
    ("hb-04", "Em Phạm Gia Huy (lớp 7)", "pupil_student", {"excellent_results": True}, "88"),
    ("hb-05", "Em Vũ Thanh Tâm (lớp 5)", "pupil_student", {"excellent_results": False}, "85"),
    (
        "hb-06",
        "Ông Đỗ Văn Thành (nông dân tự học)",
        "adult_learner",
        {"outstanding_self_study": True},
        "92",
    ),
    (
        "hb-07",
        "Bà Lương Thị Vân (công nhân, sáng kiến)",
        "adult_learner",
        {"outstanding_self_study": True},
        "89",
    ),
    (
        "hb-08",
        "Ông Kiều Văn Lực (81 tuổi, tự học)",
        "adult_learner",
        {"outstanding_self_study": True},
        "87",
    ),
    (
        "hb-09",
        "Em Mai Anh Thư (con công nhân)",
        "poor_worker_child",
        {"poor_worker_family": True},
        "90",
    ),
    (
        "hb-10",
        "Em Tạ Quốc Bảo (con công nhân)",
        "poor_worker_child",
        {"poor_worker_family": True},
        "86",
    ),
]
for sid, name, category, merit, score in SCHOLARSHIP:
    add(sid, name, "person", facts={"scholarship_category": category,
        "scholarship_nominated": True, "selection_score": score, **merit})  # fmt: skip

# -- Nhân tài Đất Việt: entries from several organisations -----------------------------------
start("nominations.json")
ENTRIES = [
    (
        "nt-01",
        "Nhóm tác giả phần mềm quản lý ca sản xuất",
        "it_startup",
        "tld/it_startup",
        "91",
        "88",
        None,
    ),
    (
        "nt-02",
        "Tác giả ứng dụng an toàn lao động",
        "it_startup",
        "tld/it_startup",
        "87",
        "93",
        None,
    ),
    (
        "nt-03",
        "Tác giả hệ thống điểm danh công nhân",
        "it_startup",
        "tld/it_startup",
        "80",
        "95",
        None,
    ),
    (
        "nt-04",
        "Nhóm tác giả nền tảng học trực tuyến",
        "it_product",
        "bgd/it_product",
        "90",
        "90",
        "2023-03-01",
    ),
    (
        "nt-05",
        "Tác giả phần mềm quản lý trường học",
        "it_product",
        "bgd/it_product",
        "88",
        "85",
        "2021-05-01",
    ),
    ("nt-06", "Tác giả thiết bị y tế giá rẻ", "medicine", "byt/medicine", "92", "91", None),
    ("nt-07", "Tác giả mô hình xử lý rác thải", "environment", "tld/environment", "75", "70", None),
]
for sid, name, field, council, council_score, preliminary, launched in ENTRIES:
    entry = add(sid, name, "person", facts={"ntdv_field": field, "nominating_council": council,
        "ntdv_council_selected": True, "ntdv_council_score": council_score,
        "ntdv_preliminary_score": preliminary})  # fmt: skip
    if launched:
        entry["registrations"] = [{"id": f"{sid}-sp", "kind": "it_product", "start": launched}]

# -- Kỷ niệm chương "Vì sự nghiệp khuyến học": proposals -----------------------------------
start("medal.json")
add("knc-01", "Ông Hoàng Văn Tuấn (cán bộ Hội lâu năm)", "person",
    facts={"knc_proposed": True, "knc_contribution": True, "khuyen_hoc_years": "12"})  # fmt: skip
add("knc-02", "Bà Nguyễn Thị Yến (nhà hảo tâm)", "person",
    facts={"knc_proposed": True, "knc_contribution": True, "khuyen_hoc_years": "3"})  # fmt: skip
add("knc-03", "Ông Lê Văn Xuân (đã nhận năm 2022)", "person",
    facts={"knc_proposed": True, "knc_contribution": True, "khuyen_hoc_years": "20"},
    awards=[{"award": "knc_khuyen_hoc", "period": "2022"}])  # fmt: skip

# -- Cluster 3 (Red River Delta): the figures reported on 26/06/2024 (seed 003) ---------------
start("cluster3.json")
CLUSTER = "Cụm 3 – Đồng bằng sông Hồng"
add("hkh-thai-binh", "Hội Khuyến học tỉnh Thái Bình", cluster=CLUSTER,
    facts={"fund_mobilised_half_year": "19000000000", "fund_total": "124000000000"})  # fmt: skip
add("hkh-ninh-binh", "Hội Khuyến học tỉnh Ninh Bình", cluster=CLUSTER,
    facts={"fund_mobilised_half_year": "11000000000", "fund_total": "119000000000"})  # fmt: skip
add("hkh-bac-ninh", "Hội Khuyến học tỉnh Bắc Ninh", cluster=CLUSTER,
    facts={"fund_total": "188000000000"})  # fmt: skip


def write(folder: Path = HERE) -> None:
    """Write every example file into ``folder``."""
    for name, members in FILES.items():
        document = {"format": "emulation.population/1", "subjects": members}
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
