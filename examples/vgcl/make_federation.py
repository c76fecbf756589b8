"""Generate the union example: a provincial labour federation, its upper-level unions, its
grassroots unions in state and non-state enterprises and public units, and their members, for
the rules of the ``vgcl`` plugin (``rulesets/vgcl``).

Writes ``federation.json`` (the nested JSON form, ``emulation.population/1``). Every name, union
and figure is made up; what each person and union is there to show is said in
``examples/vgcl/README.md``. The output is deterministic: running the script again reproduces
the committed file byte for byte.

    python examples/vgcl/make_federation.py            # writes next to this script
    python examples/vgcl/make_federation.py --out DIR  # writes into DIR
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

FEDERATION = "ldld-an-phu"
TERM = "term:2023-2028"

# id, name, parent, cluster, groups 1–3 and bonus, months in operation, cluster points (of 100),
# signed the cluster agreement, outstanding in the federation's movements, XSĐ points,
# outstanding in the XSĐ topic, fatal accident, thematic award held in 2024
UNIONS: list[tuple[Any, ...]] = [
    (
        "cs-may-an-phu",
        "Công đoàn Công ty TNHH May An Phú",
        "cd-kcn",
        "cum-doanh-nghiep",
        ("38", "37", "14", "4"),
        60,
        "96",
        True,
        True,
        "97",
        True,
        False,
        "co_xsd",
    ),
    (
        "cs-dien-tu-sao-viet",
        "Công đoàn Công ty TNHH Điện tử Sao Việt",
        "cd-kcn",
        "cum-doanh-nghiep",
        ("35", "30", "10", "2"),
        48,
        "93",
        True,
        True,
        "98",
        True,
        False,
        None,
    ),
    (
        "cs-co-khi-an-phu",
        "Công đoàn Công ty Cơ khí An Phú (doanh nghiệp nhà nước)",
        "cd-kcn",
        "cum-doanh-nghiep",
        ("39", "36", "13", "3"),
        120,
        "90",
        True,
        True,
        "96",
        True,
        False,
        "bk_xsd",
    ),
    (
        "cs-xay-dung-phu-thinh",
        "Công đoàn Công ty CP Xây dựng Phú Thịnh",
        "cd-kcn",
        "cum-doanh-nghiep",
        ("20", "15", "5", "0"),
        36,
        "61",
        True,
        False,
        "96",
        False,
        True,
        "bk_xsd",
    ),
    (
        "cs-go-tan-thanh",
        "Công đoàn Công ty TNHH Gỗ Tân Thành",
        "cd-kcn",
        "cum-doanh-nghiep",
        ("30", "30", "10", "0"),
        8,
        "70",
        False,
        False,
        "80",
        False,
        False,
        None,
    ),
    (
        "cs-thpt-an-phu",
        "Công đoàn Trường THPT An Phú",
        "cd-giao-duc",
        "cum-su-nghiep",
        ("36", "32", "8", "1"),
        240,
        "97",
        True,
        True,
        "90",
        True,
        False,
        None,
    ),
    (
        "cs-thcs-binh-minh",
        "Công đoàn Trường THCS Bình Minh",
        "cd-giao-duc",
        "cum-su-nghiep",
        ("30", "25", "8", "0"),
        200,
        "85",
        True,
        True,
        "85",
        True,
        False,
        None,
    ),
    (
        "cs-nha-van-hoa",
        "Công đoàn Nhà Văn hóa Lao động tỉnh (đơn vị sự nghiệp của Công đoàn)",
        FEDERATION,
        "cum-su-nghiep",
        ("39", "38", "14", "2"),
        240,
        "93",
        True,
        True,
        "88",
        True,
        False,
        None,
    ),
]

# workers of each enterprise union: how many, and how many of them take part in training
WORKERS = {
    "cs-may-an-phu": (10, 7),
    "cs-dien-tu-sao-viet": (10, 5),
    "cs-co-khi-an-phu": (6, 4),
    "cs-xay-dung-phu-thinh": (5, 2),
    "cs-go-tan-thanh": (4, 3),
}

RATED = {
    "2022": {"work_rating": "HTT", "union_rating": "HTT"},
    "2023": {"work_rating": "HTT", "union_rating": "HT"},
    "2024": {"work_rating": "HTXS", "union_rating": "HTT"},
}


def _collectives() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {
            "id": FEDERATION,
            "kind": "collective",
            "name": "Liên đoàn Lao động tỉnh An Phú",
            "level": "lien_doan_tinh",
        },
        {
            "id": "cd-kcn",
            "kind": "collective",
            "name": "Công đoàn các Khu công nghiệp tỉnh An Phú",
            "level": "cong_doan_cap_tren",
            "parent": FEDERATION,
        },
        {
            "id": "cd-giao-duc",
            "kind": "collective",
            "name": "Công đoàn ngành Giáo dục tỉnh An Phú",
            "level": "cong_doan_cap_tren",
            "parent": FEDERATION,
        },
    ]
    for row in UNIONS:
        (
            uid,
            name,
            parent,
            cluster,
            groups,
            months,
            cluster_points,
            signed,
            movement,
            xsd,
            xsd_outstanding,
            accident,
            thematic,
        ) = row
        facts = {
            "nhom_1": groups[0],
            "nhom_2": groups[1],
            "nhom_3": groups[2],
            "diem_thuong": groups[3],
            "months_operating": months,
            "cluster_signed": signed,
            "cluster_points": cluster_points,
            "cluster_max_points": "100",
            "ldld_movement_outstanding": movement,
            "xsd_points": xsd,
            "xsd_outstanding": xsd_outstanding,
            "fatal_accident": accident,
            "federation": FEDERATION,
        }
        unit: dict[str, Any] = {
            "id": uid,
            "kind": "collective",
            "name": name,
            "level": "cong_doan_co_so",
            "parent": parent,
            "cluster": cluster,
            "facts": {"2025": facts},
        }
        if thematic:
            unit["awards"] = [{"award": thematic, "period": "2024", "type": "thematic"}]
        found.append(unit)
    return found


def _worker(uid: str, parent: str, n: int, training: bool) -> dict[str, Any]:
    """An anonymous enterprise worker: in training or not, with the QĐ 1268 records."""
    return {
        "id": f"{uid}-{n:02d}",
        "kind": "person",
        "parent": parent,
        "facts": {
            "2025": {
                "in_enterprise": True,
                "in_training": training,
                "skills_upgraded": training,
                "life_skills": n % 2 == 0,
                "digital_skills": n % 3 != 0,
                "learning_citizen": n % 4 == 0,
                "movement_registered": True,
                "union_rating": "HTXS" if n == 1 else "HTT",
                "union_member_duties": True,
                "job_group": "worker",
            }
        },
    }


def _person(
    pid: str,
    name: str,
    parent: str,
    facts: dict[str, Any],
    *,
    gender: str,
    history: dict[str, dict[str, Any]] | None = None,
    **records: Any,
) -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": pid,
        "kind": "person",
        "name": name,
        "parent": parent,
        "gender": gender,
        "facts": {**(history or {}), "2025": facts},
    }
    person.update(records)
    return person


def _people() -> list[dict[str, Any]]:
    learning = {
        "skills_upgraded": True,
        "life_skills": False,
        "digital_skills": True,
        "learning_citizen": False,
    }
    worker = {
        "in_enterprise": True,
        "union_member_duties": True,
        "job_group": "worker",
        "movement_registered": True,
        **learning,
    }
    rated = {"work_rating": "HT", "union_rating": "HTT"}
    officer = {
        **rated,
        "in_enterprise": False,
        "union_member_duties": True,
        "job_group": "graduate",
        "movement_registered": True,
    }

    def solution(sid: str, period: str, amount: str, share: str | None = None) -> dict[str, Any]:
        item = {"id": sid, "kind": "solution", "period": period, "amount": amount}
        return item | ({"share": share} if share else {})

    def initiative(sid: str, amount: str) -> dict[str, Any]:
        return {"id": sid, "kind": "initiative", "period": TERM, "amount": amount}

    return [
        # -- the union medal, counted to the 28 July round -------------------------------------
        _person(
            "nguyen-thi-hoa",
            "Nguyễn Thị Hoa",
            "cs-may-an-phu",
            {**worker, **rated, "in_training": True},
            gender="female",
            history=RATED,
            service=[{"start": "2011-07-28", "kind": "part_time_non_state"}],
        ),
        _person(
            "tran-van-binh",
            "Trần Văn Bình",
            "cs-co-khi-an-phu",
            {**worker, **rated, "in_training": True},
            gender="male",
            history=RATED,
            service=[{"start": "2012-07-28", "kind": "part_time"}],
        ),
        _person(
            "do-van-tuan",
            "Đỗ Văn Tuấn",
            "cs-dien-tu-sao-viet",
            {**worker, **rated, "in_training": False},
            gender="male",
            history=RATED,
            service=[{"start": "2015-08-01", "kind": "part_time_non_state"}],
        ),
        _person(
            "le-thi-mai",
            "Lê Thị Mai",
            FEDERATION,
            officer,
            gender="female",
            history={**RATED, "2023": {"work_rating": "HTT", "union_rating": "KHT"}},
            service=[{"start": "2004-03-01", "kind": "full_time"}],
        ),
        _person(
            "pham-van-duc",
            "Phạm Văn Đức",
            FEDERATION,
            officer,
            gender="male",
            history=RATED,
            service=[{"start": "1998-01-01", "kind": "full_time"}],
            awards=[{"award": "knc_cong_doan", "period": "2020", "type": "service"}],
        ),
        _person(
            "vo-thi-lan",
            "Võ Thị Lan",
            "cs-nha-van-hoa",
            officer,
            gender="female",
            history=RATED,
            service=[{"start": "1999-05-01", "kind": "union_unit"}],
        ),
        _person(
            "hoang-van-nam",
            "Hoàng Văn Nam",
            FEDERATION,
            {
                "work_rating": "HTT",
                "outside_union": True,
                "union_work_contribution": True,
                "in_enterprise": False,
                "union_member_duties": False,
                "job_group": "manager",
                "movement_registered": False,
                "union_rating": "HT",
            },
            gender="male",
            history={year: {"work_rating": "HTT"} for year in ("2022", "2023", "2024")},
            service=[{"start": "2019-06-01", "kind": "outside_leader"}],
        ),
        _person(
            "dinh-thi-thu",
            "Đinh Thị Thu",
            "cs-thpt-an-phu",
            {**officer, "provincial_committee_terms": 2},
            gender="female",
            history=RATED,
        ),
        # -- Bằng Lao động sáng tạo ------------------------------------------------------------
        _person(
            "bui-van-khoa",
            "Bùi Văn Khoa",
            "cs-may-an-phu",
            {**worker, "in_training": True, "movement_registered": True, "union_rating": "HTXS"},
            gender="male",
            evidence=[
                solution("gp-khoa-2025", "2025", "95000000"),
                initiative("sk-khoa-term", "95000000"),
            ],
        ),
        _person(
            "dang-thi-thu",
            "Đặng Thị Thu",
            "cs-dien-tu-sao-viet",
            {**worker, "in_training": True, "movement_registered": True, "union_rating": "HTXS"},
            gender="female",
            evidence=[
                solution("gp-thu-2023", "2023", "40000000"),
                solution("gp-thu-2024", "2024", "45000000"),
                solution("gp-thu-2025", "2025", "40000000"),
                initiative("sk-thu-term", "125000000"),
            ],
        ),
        _person(
            "ngo-van-long",
            "Ngô Văn Long",
            "cs-dien-tu-sao-viet",
            {**worker, "in_training": False, "movement_registered": True, "union_rating": "HTT"},
            gender="male",
            evidence=[
                solution("gp-long-2023", "2023", "70000000"),
                solution("gp-long-2025", "2025", "60000000"),
            ],
        ),
        _person(
            "ly-thi-ngoc",
            "Lý Thị Ngọc",
            "cs-dien-tu-sao-viet",
            {
                **worker,
                "job_group": "graduate",
                "in_training": True,
                "movement_registered": False,
                "union_rating": "HTXS",
            },
            gender="female",
            evidence=[
                solution("gp-ngoc-2025", "2025", "120000000"),
                initiative("sk-ngoc-term", "120000000"),
            ],
        ),
        _person(
            "truong-van-hai",
            "Trương Văn Hải",
            "cs-co-khi-an-phu",
            {
                **worker,
                "job_group": "manager",
                "management_improvement": True,
                "in_training": True,
                "union_rating": "HTT",
            },
            gender="male",
        ),
        _person(
            "mai-thi-huong",
            "Mai Thị Hương",
            "cs-may-an-phu",
            {**worker, "in_training": True, "union_rating": "HTT"},
            gender="female",
            evidence=[solution("gp-huong-2025", "2025", "150000000", "0.5")],
        ),
    ]


def _term_facts(people: list[dict[str, Any]]) -> None:
    """The Nguyễn Đức Cảnh prize is judged on the term 2023–2028."""
    term = {
        "bui-van-khoa": {
            "occupation": "direct_worker",
            "years_in_job": 9,
            "trains_coworkers": True,
            "excellent_member_every_year": True,
        },
        "dang-thi-thu": {
            "occupation": "technician",
            "years_in_job": 6,
            "trains_coworkers": True,
            "excellent_member_every_year": True,
        },
        "ly-thi-ngoc": {
            "occupation": "engineer",
            "years_in_job": 4,
            "trains_coworkers": True,
            "excellent_member_every_year": True,
        },
    }
    for person in people:
        if person["id"] in term:
            person["facts"][TERM] = term[person["id"]]


def population() -> dict[str, Any]:
    subjects = _collectives()
    people = _people()
    _term_facts(people)
    subjects += people
    for uid, (count, training) in WORKERS.items():
        subjects += [_worker(uid, uid, n, n <= training) for n in range(1, count + 1)]
    return {"format": "emulation.population/1", "subjects": subjects}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args()
    text = json.dumps(population(), ensure_ascii=False, indent=1) + "\n"
    (args.out / "federation.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
