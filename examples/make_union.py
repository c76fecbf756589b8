"""Generate the bundled example: a grassroots trade union of 50 people, 2021–2025, and the
other unions of its emulation cluster.

Writes the same data twice, in the two input forms the engine reads:

* ``union.json`` — the nested JSON form (``emulation.population/1``);
* ``union/``     — a folder of CSV tables (``subjects.csv``, ``facts.csv``, ``evidence.csv``,
  ``awards.csv``, ``service.csv``, ``discipline.csv``, ``registrations.csv``, ``votes.csv``).

The award history (the titles conferred for 2021–2024) is not written by hand: the script builds
the population without it, lets the engine decide 2021–2024 with the state rulesets
(``rulesets/state``) through :meth:`emulation.Engine.evaluate_periods`, oldest first, and records
every granted decision, of persons and collectives alike.

The output is deterministic (a fixed seed, no clock, no set iteration): running the script again
reproduces the committed files byte for byte, as long as the rulesets decide the same. It needs
the engine installed (``pip install -e .``); change a state ruleset and the history changes with
it, so regenerate.

    python examples/make_union.py            # writes next to this script
    python examples/make_union.py --out DIR  # writes into DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import io
import json
import random
from pathlib import Path
from typing import Any

import emulation
from emulation import Population

SEED = 20250101
YEARS = (2021, 2022, 2023, 2024, 2025)
#: The years whose conferred titles are recorded in ``awards`` (the history before 2025).
HISTORY_YEARS = (2021, 2022, 2023, 2024)
CLUSTER = "Khối thi đua các trường THPT"
UNION = "cd-nguyendu"
RULESETS = Path(__file__).resolve().parents[1] / "rulesets" / "state"

#: Fact columns of facts.csv, in this order: facts the state rulesets declare, those of persons
#: then those only collectives have. Facts nobody here has (the tenure of a department director,
#: for instance) are left out: the engine uses their defaults.
FACT_COLUMNS = (
    "rating",
    "good_attitude",
    "recruited_this_period",
    "months_worked",
    "months_maternity_leave",
    "months_injury_treatment",
    "months_training",
    "under_discipline_review",
    "under_investigation",
    "pending_complaint",
    "law_abiding",
    "emulation_active",
    "in_province_cluster",
    "exceeded_targets",
    "emulation_score",
)

#: Columns of every table, exactly as ``emulation.data.schema.SCHEMAS`` lists them.
COLUMNS = {
    "subjects": (
        "id",
        "kind",
        "name",
        "parent",
        "cluster",
        "gender",
        "birth_year",
        "staff_category",
        "hardship_area",
        "level",
    ),
    "facts": ("subject", "period", *FACT_COLUMNS),
    "evidence": (
        "id",
        "subject",
        "kind",
        "period",
        "scope",
        "amount",
        "description",
        "share",
        "recognised_by",
    ),
    "awards": ("subject", "award", "period", "type"),
    "service": ("subject", "start", "end", "kind"),
    "discipline": ("subject", "level", "start", "end"),
    "registrations": ("id", "subject", "kind", "field", "start", "review", "end", "status"),
    "votes": (
        "subject",
        "award",
        "period",
        "votes_for",
        "votes_against",
        "absent_in_writing",
        "council_size",
    ),
}

# A "Dân vận khéo" model of the union, one registered by a teacher and a learning-family
# registration, the council's votes on two CSTĐCS proposals (no state rule reads them; the
# rules of the organisation plugins will) and on the cluster's flag candidates.
REGISTRATIONS = (
    (
        "dvk-2023-001",
        "cd-nguyendu",
        "dan_van_kheo",
        "văn hóa - xã hội",
        "2023-03-01",
        "2024-03-01",
        None,
        "effective",
    ),
    (
        "dvk-2024-001",
        "nd-010",
        "dan_van_kheo",
        "giáo dục",
        "2024-09-01",
        "2025-09-01",
        None,
        "registered",
    ),
    ("gdht-2024-001", "nd-011", "gia_dinh_hoc_tap", None, "2024-01-15", None, None, "registered"),
)
VOTES = (
    ("nd-010", "cstdcs", "2024", 9, 0, 1, 9),
    ("nd-011", "cstdcs", "2024", 7, 2, None, 9),
    # the provincial council's votes on the cluster's flag candidates (Decree 98/2023
    # Art 30(7): at least 80 % of all members, read by state.collective_titles 2.3.0)
    ("cd-lequydon", "co_thi_dua_tinh", "2024", 9, 0, None, 9),
    ("cd-tranphu", "co_thi_dua_tinh", "2024", 8, 1, None, 9),
    ("cd-lequydon", "co_thi_dua_tinh", "2025", 8, 1, None, 9),
    ("cd-nguyendu", "co_thi_dua_tinh", "2025", 9, 0, None, 9),
    ("cd-tranphu", "co_thi_dua_tinh", "2025", 8, 1, None, 9),
)

# -- the collectives ---------------------------------------------------------------------------
#
# The grassroots unions of the cluster are scored against each other for the flag (one per
# cluster); Nguyễn Du's trade-union groups (tổ công đoàn) are collectives inside it, not members
# of the cluster. Facts per year: (rating, emulation_active, exceeded_targets, emulation_score).

COLLECTIVES: list[dict[str, Any]] = [
    {
        "id": UNION,
        "name": "Công đoàn cơ sở Trường THPT Nguyễn Du",
        "parent": None,
        "cluster": CLUSTER,
        "years": {
            2021: ("HTXS", True, True, "94.50"),
            2022: ("HTXS", True, True, "93.00"),
            2023: ("HTXS", True, True, "96.25"),
            2024: ("HTXS", True, False, "95.00"),
            2025: ("HTXS", True, True, "97.00"),
        },
    },
    {
        "id": "cd-nguyendu-tn",
        "name": "Tổ công đoàn Khoa học tự nhiên",
        "parent": UNION,
        "cluster": None,
        "years": dict.fromkeys(YEARS, ("HTXS", True, True, None)),
    },
    {
        "id": "cd-nguyendu-xh",
        "name": "Tổ công đoàn Khoa học xã hội",
        "parent": UNION,
        "cluster": None,
        "years": dict.fromkeys(YEARS, ("HTT", True, True, None)),
    },
    {
        "id": "cd-nguyendu-vp",
        "name": "Tổ công đoàn Văn phòng",
        "parent": UNION,
        "cluster": None,
        "years": {
            2021: ("HTT", True, True, None),
            2022: ("HTT", True, True, None),
            2023: ("HT", True, False, None),
            2024: ("HTT", True, True, None),
            2025: ("HTT", True, True, None),
        },
    },
    {
        "id": "cd-tranphu",
        "name": "Công đoàn cơ sở Trường THPT Trần Phú",
        "parent": None,
        "cluster": CLUSTER,
        "years": {
            2021: ("HTXS", True, True, "92.00"),
            2022: ("HTXS", True, True, "95.50"),
            2023: ("HTXS", True, True, "94.00"),
            2024: ("HTXS", True, True, "93.50"),
            # level with Nguyễn Du in 2025; 3 of its 4 members are women (75 %): the flag goes
            # to Trần Phú by the women's priority (Decree 152/2025 Art 4(6))
            2025: ("HTXS", True, True, "97.00"),
        },
    },
    {
        "id": "cd-lequydon",
        "name": "Công đoàn cơ sở Trường THPT Lê Quý Đôn",
        "parent": None,
        "cluster": CLUSTER,
        "years": {
            2021: ("HTT", True, True, "96.00"),
            2022: ("HTXS", True, True, "91.00"),
            2023: ("HTXS", True, True, "92.50"),
            2024: ("HTXS", True, True, "94.25"),
            2025: ("HTXS", True, True, "93.00"),
        },
    },
]

#: The members of the other unions: id, name, gender, birth year, union, ratings 2021–2025.
OTHER_MEMBERS = (
    ("tp-001", "Nguyễn Thị Hoài", "female", 1983, "cd-tranphu", "HTXS HTT HTXS HTT HTXS"),
    ("tp-002", "Trần Quốc Bảo", "male", 1979, "cd-tranphu", "HTT HTT HTT HTXS HTT"),
    ("tp-003", "Lê Thị Mỹ Duyên", "female", 1991, "cd-tranphu", "HTT HTXS HTT HTT HTT"),
    ("tp-004", "Mai Thị Thu Trang", "female", 1994, "cd-tranphu", "HTT HTT HTT HTT HTXS"),
    ("lqd-001", "Phan Văn Tài", "male", 1981, "cd-lequydon", "HTT HTT HTXS HTT HTXS"),
    ("lqd-002", "Võ Thị Bích Ngọc", "female", 1988, "cd-lequydon", "HTXS HTT HTT HTXS HTT"),
    ("lqd-003", "Huỳnh Minh Trí", "male", 1993, "cd-lequydon", "HTT HT HTT HTT HTT"),
)

SURNAMES = (
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trịnh",
    "Đinh",
)
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương")
FEMALE_GIVEN = (
    "Lan",
    "Hương",
    "Mai",
    "Hà",
    "Trang",
    "Linh",
    "Hạnh",
    "Thảo",
    "Nhung",
    "Yến",
    "Phương",
    "Huyền",
    "Ngân",
    "Dung",
    "Hằng",
    "Loan",
    "Oanh",
    "Thủy",
    "Vân",
    "Quyên",
    "Giang",
    "Hoa",
)
MALE_MIDDLE = ("Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Xuân", "Ngọc")
MALE_GIVEN = (
    "Hùng",
    "Dũng",
    "Nam",
    "Tuấn",
    "Quang",
    "Hải",
    "Sơn",
    "Thắng",
    "Khoa",
    "Phúc",
    "Trung",
    "Hiếu",
    "Đạt",
    "Cường",
    "Toàn",
    "Vinh",
    "Huy",
    "Thành",
    "Kiên",
    "Lâm",
)

INITIATIVES = (
    "Ứng dụng GeoGebra trong dạy học hình học không gian lớp 11",
    "Tổ chức dạy học dự án môn Sinh học gắn với thực tiễn địa phương",
    "Xây dựng ngân hàng câu hỏi trắc nghiệm trực tuyến môn Vật lí",
    "Một số biện pháp nâng cao kỹ năng nghe – nói tiếng Anh cho học sinh lớp 10",
    "Đổi mới sinh hoạt chuyên môn theo nghiên cứu bài học",
    "Sử dụng sơ đồ tư duy trong ôn thi tốt nghiệp môn Lịch sử",
    "Phối hợp giáo viên chủ nhiệm và cha mẹ học sinh qua nhóm Zalo lớp",
    "Số hóa hồ sơ học sinh và sổ điểm điện tử của nhà trường",
    "Dạy học STEM chủ đề năng lượng tái tạo",
    "Giáo dục kỹ năng phòng chống đuối nước cho học sinh",
    "Rèn kỹ năng viết bài văn nghị luận xã hội cho học sinh lớp 12",
    "Thí nghiệm Hóa học vi mô tiết kiệm hóa chất",
    "Quản lý thư viện trường học bằng phần mềm mã nguồn mở",
    "Tổ chức câu lạc bộ Toán học cho học sinh khá giỏi",
    "Lồng ghép giáo dục địa phương vào môn Địa lí lớp 10",
    "Ứng dụng trí tuệ nhân tạo hỗ trợ chấm bài luận tiếng Anh",
)

# -- the people who illustrate something -------------------------------------------------------
#
# Each notable person is written out in full. ``years`` maps a year to its facts; a year not
# listed is a plain year (rating HTT, good attitude) while the person is in service.

NOTABLE: list[dict[str, Any]] = [
    {
        "id": "nd-040",
        "name": "Vũ Thị Thanh Hương",
        "gender": "female",
        "birth_year": 1981,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2004-09-01", None, "full_time")],
        # HTXS with initiatives every year 2021–2023 (two in 2022), the first one adopted
        # across the province: within her group's 15 % each year, so CSTĐCS three years
        # running and CSTĐ cấp tỉnh in 2023. No provincial initiative after 2021, so the
        # title is not repeated in 2024 or 2025.
        "years": {year: {"rating": "HTXS", "good_attitude": True} for year in YEARS},
        "evidence": [
            (2021, "ministry_province"),
            (2022, "grassroots"),
            (2022, "grassroots"),
            (2023, "grassroots"),
        ],
    },
    {
        "id": "nd-041",
        "name": "Lê Minh Khoa",
        "gender": "male",
        "birth_year": 1998,
        "staff_category": "staff",
        "parent": "cd-nguyendu-vp",
        "service": [("2023-06-01", None, "full_time")],
        "years": {
            # recruited in June 2023: 7 months, short of Decree 91's 10
            2023: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 7,
            },
            2024: {"rating": "HTT", "good_attitude": True},
            2025: {"rating": "HTXS", "good_attitude": True},
        },
    },
    {
        "id": "nd-042",
        "name": "Phạm Thị Ngọc Ánh",
        "gender": "female",
        "birth_year": 1999,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2024-06-01", None, "full_time")],
        "years": {
            # recruited in June 2024: the same 7 months now meet TT 01/2024's 6
            2024: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 7,
            },
            2025: {"rating": "HTXS", "good_attitude": True},
        },
    },
    {
        "id": "nd-043",
        "name": "Đỗ Thị Hồng Nhung",
        "gender": "female",
        "birth_year": 1995,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2023-03-01", None, "full_time")],
        "years": {
            # 7 months worked + 3 months of maternity leave = 10: meets Decree 91
            2023: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 7,
                "months_maternity_leave": 3,
            },
        },
    },
    {
        "id": "nd-044",
        "name": "Vũ Đức Anh",
        "gender": "male",
        "birth_year": 2000,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2024-07-01", None, "full_time")],
        "years": {
            # 4 months worked + 2 months of induction training = 6 (training counts from 2024)
            2024: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 4,
                "months_training": 2,
            },
        },
    },
    {
        "id": "nd-045",
        "name": "Hoàng Văn Phúc",
        "gender": "male",
        "birth_year": 2001,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2025-08-01", None, "full_time")],
        "years": {
            # 5 months: short of the 6 months of TT 01/2024 (kept by TT 15/2025)
            2025: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 5,
            },
        },
    },
    {
        "id": "nd-046",
        "name": "Bùi Quốc Hưng",
        "gender": "male",
        "birth_year": 1996,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2022-03-01", None, "full_time")],
        "years": {
            # 8 months worked + 2 months' certified treatment after an injury on duty = 10
            2022: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 8,
                "months_injury_treatment": 2,
            },
        },
    },
    {
        "id": "nd-047",
        "name": "Lê Thị Thảo",
        "gender": "female",
        "birth_year": 1997,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [
            ("2020-09-01", "2021-08-31", "contract"),
            ("2021-09-01", None, "full_time"),
        ],
        "years": {
            # recruited in September 2021 after a year on contract at the school: 12 months
            2021: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 12,
            },
        },
    },
    {
        "id": "nd-048",
        "name": "Nguyễn Văn Thắng",
        "gender": "male",
        "birth_year": 1982,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2006-09-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTXS", "good_attitude": True},
            # HTXS with a provincial initiative, yet fourth in his group's ranking for the 15 %
            # (the ranking reads the rating, the number of initiatives and gender, not scope)
            2022: {"rating": "HTXS", "good_attitude": True},
            2023: {"rating": "HTXS", "good_attitude": True},
            # under disciplinary review when the 2024 titles were considered: blocked
            2024: {"rating": "HTXS", "good_attitude": True, "under_discipline_review": True},
            2025: {"rating": "HTXS", "good_attitude": True},
        },
        "evidence": [(2022, "ministry_province"), (2024, "grassroots")],
    },
    {
        "id": "nd-049",
        "name": "Hồ Thị Thanh Tâm",
        "gender": "female",
        "birth_year": 1988,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2011-09-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTXS", "good_attitude": True},
            2022: {"rating": "HTT", "good_attitude": True},
            2023: {"rating": "HTXS", "good_attitude": True},
            # the union committee has not yet recorded its assessment: good_attitude missing
            2024: {"rating": "HTXS"},
            2025: {"rating": "HTT", "good_attitude": True},
        },
        "evidence": [(2023, "grassroots")],
    },
    {
        "id": "nd-050",
        "name": "Đặng Văn Long",
        "gender": "male",
        "birth_year": 1979,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2003-09-01", None, "full_time")],
        "years": {
            # HTXS with an initiative, but third for a cap of two in his group: over the 15 %
            2021: {"rating": "HTXS", "good_attitude": True},
            2022: {"rating": "HTT", "good_attitude": True},
            2023: {"rating": "HTT", "good_attitude": True},
            2024: {"rating": "HTT", "good_attitude": True},
            2025: {"rating": "HTT", "good_attitude": True},
        },
        # a reprimand in force from April 2022 to April 2023: excluded in 2022 and 2023
        "discipline": [("reprimand", "2022-04-15", "2023-04-14")],
        "evidence": [(2021, "grassroots")],
    },
    {
        "id": "nd-001",
        "name": "Nguyễn Thị Lan",
        "gender": "female",
        "birth_year": 1984,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2007-09-01", None, "full_time")],
        # HTXS every year, an initiative only in 2021: CSTĐCS in 2021, not in 2022–2023
        # (Decree 91 asks for an initiative), again from 2024 (HTXS alone suffices)
        "years": {year: {"rating": "HTXS", "good_attitude": True} for year in YEARS},
        "evidence": [(2021, "grassroots")],
    },
    {
        "id": "nd-002",
        "name": "Trần Văn Bình",
        "gender": "male",
        "birth_year": 1975,
        "staff_category": "manager",
        "parent": "cd-nguyendu-vp",
        "service": [("1998-09-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTXS", "good_attitude": True},
            2022: {"rating": "HTT", "good_attitude": True},
            2023: {"rating": "HTT", "good_attitude": True},
            # only "completed" (HT) in 2024: not eligible on the task rating
            2024: {"rating": "HT", "good_attitude": True},
            2025: {"rating": "HTT", "good_attitude": True},
        },
    },
    {
        "id": "nd-003",
        "name": "Phạm Văn Sơn",
        "gender": "male",
        "birth_year": 1963,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        # retired on 31 August 2023: a candidate for 2021–2023 only
        "service": [("1986-09-01", "2023-08-31", "full_time")],
        "years": {year: {"rating": "HTT", "good_attitude": True} for year in (2021, 2022, 2023)},
    },
    {
        "id": "nd-004",
        "name": "Dương Minh Tuấn",
        "gender": "male",
        "birth_year": 1986,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2010-09-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTT", "good_attitude": True},
            2022: {"rating": "HTT", "good_attitude": True},
            2023: {"rating": "HTXS", "good_attitude": True},
            2024: {"rating": "HTT", "good_attitude": True},
            2025: {"rating": "HTT", "good_attitude": True},
        },
        # a warning from December 2022 to November 2023: excluded in 2022 and 2023
        "discipline": [("warning", "2022-12-01", "2023-11-30")],
        "evidence": [(2023, "grassroots")],
    },
    {
        "id": "nd-005",
        "name": "Trịnh Thị Kim Oanh",
        "gender": "female",
        "birth_year": 1990,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2013-09-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTT", "good_attitude": True},
            2022: {"rating": "HTXS", "good_attitude": True},
            2023: {"rating": "HTT", "good_attitude": True},
            2024: {"rating": "HTXS", "good_attitude": True},
            # a complaint against her is being verified: blocked in 2025
            2025: {"rating": "HTXS", "good_attitude": True, "pending_complaint": True},
        },
        "evidence": [(2024, "ministry_province")],
    },
    {
        "id": "nd-006",
        "name": "Lý Văn Cường",
        "gender": "male",
        "birth_year": 1980,
        "staff_category": "staff",
        "parent": "cd-nguyendu-vp",
        "service": [("2005-03-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTT", "good_attitude": True},
            2022: {"rating": "HTT", "good_attitude": True},
            2023: {"rating": "HTT", "good_attitude": True},
            2024: {"rating": "HTT", "good_attitude": True},
            # the school's accounts are being inspected: blocked in 2025
            2025: {"rating": "HTT", "good_attitude": True, "under_investigation": True},
        },
    },
    {
        "id": "nd-007",
        "name": "Huỳnh Thị Yến",
        "gender": "female",
        "birth_year": 1987,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        # transferred from another school in August 2022: not a new recruit
        "service": [("2022-08-15", None, "full_time")],
        "years": {
            year: {"rating": "HTT", "good_attitude": True} for year in (2022, 2023, 2024, 2025)
        },
    },
    {
        "id": "nd-008",
        "name": "Ngô Thanh Tâm",
        "gender": "male",
        "birth_year": 1994,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-tn",
        "service": [("2021-02-01", None, "full_time")],
        "years": {
            # recruited in February 2021: 11 months
            2021: {
                "rating": "HTT",
                "good_attitude": True,
                "recruited_this_period": True,
                "months_worked": 11,
            },
            2022: {"rating": "HT", "good_attitude": False},
            2025: {"rating": "HTT", "good_attitude": True},
        },
    },
    {
        "id": "nd-009",
        "name": "Đinh Thị Thủy",
        "gender": "female",
        "birth_year": 1985,
        "staff_category": "teacher",
        "parent": "cd-nguyendu-xh",
        "service": [("2009-09-01", None, "full_time")],
        "years": {
            2021: {"rating": "HTT", "good_attitude": True},
            2022: {"rating": "HTT", "good_attitude": True},
            2023: {"rating": "HTT", "good_attitude": True},
            2024: {"rating": "HTT", "good_attitude": True},
            # the 2025 assessment has not been entered: good_attitude missing
            2025: {"rating": "HTT"},
        },
        # a reprimand in force from March to August 2024: no LĐTT for 2024 although rated HTT
        # (Decree 152/2025 Art 4(4): achievements count from the end of the discipline)
        "discipline": [("reprimand", "2024-03-01", "2024-08-31")],
    },
]


# -- generation --------------------------------------------------------------------------------


def _name(rng: random.Random, gender: str, taken: list[str]) -> str:
    while True:
        if gender == "female":
            middle, given = rng.choice(FEMALE_MIDDLE), rng.choice(FEMALE_GIVEN)
        else:
            middle, given = rng.choice(MALE_MIDDLE), rng.choice(MALE_GIVEN)
        name = f"{rng.choice(SURNAMES)} {middle} {given}"
        if name not in taken:
            taken.append(name)
            return name


def _rating(rng: random.Random, strength: float) -> str:
    draw = rng.random()
    if draw < 0.02:
        return "KHT" if rng.random() < 0.3 else "HT"
    if draw < 0.08:
        return "HT"
    return "HTXS" if rng.random() < strength else "HTT"


def _background(rng: random.Random, taken: list[str]) -> list[dict[str, Any]]:
    """The ordinary members: in service since before 2021, ids nd-010 to nd-039."""
    people = []
    ids = [f"nd-{number:03d}" for number in range(10, 40)]
    for index, sid in enumerate(ids):
        if index < 2:
            category, unit = "manager", "cd-nguyendu-vp"
        elif index < 7:
            category, unit = "staff", "cd-nguyendu-vp"
        else:
            category = "teacher"
            unit = "cd-nguyendu-tn" if index % 2 else "cd-nguyendu-xh"
        gender = "female" if rng.random() < 0.62 else "male"
        joined = rng.randint(1995, 2019)
        month = 9 if category != "staff" else rng.randint(1, 12)
        strength = rng.choice((0.15, 0.3, 0.45, 0.6))
        years: dict[int, dict[str, Any]] = {}
        for year in YEARS:
            facts: dict[str, Any] = {"rating": _rating(rng, strength), "good_attitude": True}
            if facts["rating"] in ("KHT", "HT") and rng.random() < 0.3:
                facts["good_attitude"] = False
            if gender == "female" and joined >= 2008 and rng.random() < 0.06:
                facts["months_maternity_leave"] = 6
            years[year] = facts
        people.append(
            {
                "id": sid,
                "name": _name(rng, gender, taken),
                "gender": gender,
                "birth_year": joined - rng.randint(22, 27),
                "staff_category": category,
                "parent": unit,
                "service": [(f"{joined}-{month:02d}-01", None, "full_time")],
                "years": years,
                "evidence": [],
                "strength": strength,
            }
        )
    # nd-035 (granted the Bằng khen tỉnh for 2024 on CSTĐCS 2023–2024) has a second initiative
    # in 2025: two unused initiatives and CSTĐCS 2024–2025, yet 2024 was already used, so no
    # second Bằng khen in 2025 (Law 06/2022 Art 5(2)(c), E1). Added after the draws below, so
    # the random sequence is unchanged.
    extra = {"nd-035": [(2025, "grassroots")]}
    # a few initiatives each year, more likely from the strongest teachers
    for year in YEARS:
        teachers = [p for p in people if p["staff_category"] == "teacher"]
        weights = [p["strength"] for p in teachers]
        chosen: list[dict[str, Any]] = []
        wanted = rng.randint(3, 4)
        while len(chosen) < wanted:
            person = rng.choices(teachers, weights)[0]
            if person not in chosen:
                chosen.append(person)
        for position, person in enumerate(chosen):
            scope = "ministry_province" if position == 0 and year % 2 else "grassroots"
            person["evidence"].append((year, scope))
    for person in people:
        person["evidence"].extend(extra.get(person["id"], ()))
    return people


def _person(spec: dict[str, Any]) -> dict[str, Any]:
    """A notable person with every in-service year filled in."""
    person = {**spec, "years": {}, "evidence": list(spec.get("evidence", ()))}
    for year in YEARS:
        if year in spec["years"]:
            person["years"][year] = dict(spec["years"][year])
        elif _in_service(spec["service"], year):
            person["years"][year] = {"rating": "HTT", "good_attitude": True}
    return person


def _in_service(spells: list[tuple[str, str | None, str]], year: int) -> bool:
    first = min(dt.date.fromisoformat(start) for start, _, _ in spells)
    ends = [end for _, end, _ in spells]
    last = None if None in ends else max(dt.date.fromisoformat(e) for e in ends if e)
    return first.year <= year and (last is None or last.year >= year)


def _collective_row(collective: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": collective["id"],
        "kind": "collective",
        "name": collective["name"],
        "parent": collective["parent"],
        "cluster": collective["cluster"],
        "gender": None,
        "birth_year": None,
        "staff_category": None,
        "hardship_area": False,
        "level": None,
    }


def _collective_facts(collective: dict[str, Any], year: int) -> dict[str, Any]:
    rating, active, exceeded, score = collective["years"][year]
    facts: dict[str, Any] = {
        "rating": rating,
        "emulation_active": active,
        "in_province_cluster": collective["cluster"] is not None,
        "exceeded_targets": exceeded,
    }
    if score is not None:
        facts["emulation_score"] = score
    return facts


def _other_members() -> list[dict[str, Any]]:
    """The members of the other unions of the cluster: plain years, no records but service."""
    people = []
    for sid, name, gender, born, union, ratings in OTHER_MEMBERS:
        years = {
            year: {"rating": rating, "good_attitude": True}
            for year, rating in zip(YEARS, ratings.split(), strict=True)
        }
        people.append(
            {
                "id": sid,
                "name": name,
                "gender": gender,
                "birth_year": born,
                "staff_category": "teacher",
                "parent": union,
                "service": [(f"{born + 23}-09-01", None, "full_time")],
                "years": years,
                "evidence": [],
            }
        )
    return people


def build_records() -> dict[str, list[dict[str, Any]]]:
    """Every table but the award history, as lists of rows (dicts in column order)."""
    rng = random.Random(SEED)
    taken = [spec["name"] for spec in NOTABLE] + [member[1] for member in OTHER_MEMBERS]
    people = [_person(spec) for spec in NOTABLE] + _background(rng, taken) + _other_members()
    people.sort(key=lambda person: person["id"])

    tables: dict[str, list[dict[str, Any]]] = {table: [] for table in COLUMNS}
    for collective in COLLECTIVES:
        tables["subjects"].append(_collective_row(collective))
        for year in YEARS:
            tables["facts"].append(
                {
                    "subject": collective["id"],
                    "period": str(year),
                    **_collective_facts(collective, year),
                }
            )
    for person in people:
        tables["subjects"].append(
            {
                "id": person["id"],
                "kind": "person",
                "name": person["name"],
                "parent": person["parent"],
                "cluster": None,
                "gender": person["gender"],
                "birth_year": person["birth_year"],
                "staff_category": person["staff_category"],
                "hardship_area": False,
                "level": None,
            }
        )
        for start, end, kind in person["service"]:
            tables["service"].append(
                {"subject": person["id"], "start": start, "end": end, "kind": kind}
            )
        for level, start, end in person.get("discipline", ()):
            tables["discipline"].append(
                {"subject": person["id"], "level": level, "start": start, "end": end}
            )
        for year, facts in person["years"].items():
            # every member observes policy and law (Law 06/2022 Art 73, 74): the commendations
            # read it
            facts = {**facts, "law_abiding": True}
            tables["facts"].append({"subject": person["id"], "period": str(year), **facts})

    # evidence ids are numbered per year, in subject order: sk-2024-001, sk-2024-002 …
    counters = dict.fromkeys(YEARS, 0)
    topics = list(INITIATIVES)
    rng.shuffle(topics)
    for person in people:
        for year, scope in sorted(person["evidence"]):
            counters[year] += 1
            topic = topics[(counters[year] * 5 + year) % len(topics)]
            tables["evidence"].append(
                {
                    "id": f"sk-{year}-{counters[year]:03d}",
                    "subject": person["id"],
                    "kind": "initiative",
                    "period": str(year),
                    "scope": scope,
                    "amount": None,
                    "description": f"Sáng kiến: {topic}",
                }
            )
    # one accepted school-level research project (scientific work) in 2022
    tables["evidence"].append(
        {
            "id": "dt-2022-001",
            "subject": "nd-017",
            "kind": "scientific_work",
            "period": "2022",
            "scope": "grassroots",
            "amount": None,
            "description": "Đề tài khoa học cấp trường: Đánh giá năng lực tự học môn Toán của học sinh lớp 10",
        }
    )
    tables["evidence"].sort(key=lambda row: (row["subject"], row["period"], row["id"]))
    tables["registrations"] = [
        dict(zip(COLUMNS["registrations"], row, strict=True)) for row in REGISTRATIONS
    ]
    tables["votes"] = [dict(zip(COLUMNS["votes"], row, strict=True)) for row in VOTES]
    return tables


def conferred(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The award history of 2021–2024: every decision the engine grants, period by period.

    The population is read without any history; :meth:`emulation.Engine.evaluate_periods`
    decides the years oldest first and feeds each year's grants into the next (the chains of
    CSTĐ cấp tỉnh read them). Rows follow the order of the subjects table (as the JSON form
    nests them), then period and award.
    """
    population = Population.from_json(json.loads(to_json(tables)), source="<make_union>")
    evaluations = engine().evaluate_periods(population, [str(year) for year in HISTORY_YEARS])
    rows = [
        {"subject": row["subject"], "award": row["award"], "period": row["period"]}
        for evaluation in evaluations
        for row in evaluation.outcomes().iter_rows(named=True)
        if row["outcome"] == "granted"
    ]
    position = {row["id"]: index for index, row in enumerate(tables["subjects"])}
    return sorted(rows, key=lambda row: (position[row["subject"]], row["period"], row["award"]))


@functools.cache
def engine() -> emulation.Engine:
    """The engine with the state rulesets of this repository, and no installed plugins."""
    return emulation.build_engine(entry_points=False, ruleset_paths=[RULESETS])


def build() -> dict[str, list[dict[str, Any]]]:
    """Every table as a list of rows (dicts in column order); values are Python objects."""
    tables = build_records()
    tables["awards"] = conferred(tables)
    return tables


# -- writing -----------------------------------------------------------------------------------


def to_json(tables: dict[str, list[dict[str, Any]]]) -> str:
    """The nested JSON form: one entry per subject with its facts and records inside."""
    entries = []
    for subject in tables["subjects"]:
        entry: dict[str, Any] = dict(subject)
        sid = subject["id"]
        facts = {
            row["period"]: {k: v for k, v in row.items() if k not in ("subject", "period")}
            for row in tables["facts"]
            if row["subject"] == sid
        }
        if facts:
            entry["facts"] = facts
        for table in ("evidence", "awards", "service", "discipline", "registrations", "votes"):
            items = [
                {k: v for k, v in row.items() if k != "subject" and v is not None}
                for row in tables[table]
                if row["subject"] == sid
            ]
            if items:
                entry[table] = items
        entries.append(entry)
    document = {"format": "emulation.population/1", "subjects": entries}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(table: str, rows: list[dict[str, Any]]) -> str:
    """One table as CSV text: a header of the table's columns, ``\\n`` line ends, UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS[table])
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in COLUMNS[table]])
    return buffer.getvalue()


def write(out: Path) -> list[Path]:
    """Write ``union.json`` and ``union/*.csv`` under ``out``; return the files written."""
    tables = build()
    folder = out / "union"
    folder.mkdir(parents=True, exist_ok=True)
    written = [out / "union.json"]
    written[0].write_text(to_json(tables), encoding="utf-8", newline="")
    for table, rows in tables.items():
        path = folder / f"{table}.csv"
        path.write_text(to_csv(table, rows), encoding="utf-8", newline="")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write union.json and union/ into (default: this script's folder)",
    )
    args = parser.parse_args()
    for path in write(args.out):
        print(path)


if __name__ == "__main__":
    main()
