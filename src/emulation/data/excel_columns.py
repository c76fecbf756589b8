"""What the workbook form says about each fixed column: its Vietnamese and English label, and the
value of the template's example row.

The workbook form (:mod:`emulation.data.excel`) has one sheet per table, named like the table.
Row 1 holds the column ids (``birth_year``) — what the reader reads; row 2 the column labels
(``Năm sinh / Birth year``) — what an officer reads, checked but not read; the data starts on
row 3. The template (:mod:`emulation.data.template`) writes an example row on row 3 whose subject
is :data:`EXAMPLE_SUBJECT`; the reader refuses a row of that subject, so an example left in place
is never taken for data.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Final

from emulation.types import Label

#: The file suffixes read as workbooks; an ``.xls`` file (Excel 97–2003) is refused with how to
#: save it again.
SUFFIXES: Final = (".xlsx", ".xlsm", ".xls")

#: The names of the sheet that explains the columns, in Vietnamese and English; not read.
EXPLANATION_SHEETS: Final = ("Giải thích", "Columns")


def is_workbook(path: Path) -> bool:
    """Whether ``path`` names a file of the workbook form (by its suffix)."""
    return path.suffix.lower() in SUFFIXES


#: The creation date written in every workbook the engine writes (the template, the results),
#: so that the same input gives the same bytes.
CREATED: Final = dt.datetime(2000, 1, 1)

#: The row of the column ids, the row of the labels and the first row of data.
ID_ROW, LABEL_ROW, FIRST_DATA_ROW = 1, 2, 3

#: The subject of the template's example rows ("example" in Vietnamese).
EXAMPLE_SUBJECT: Final = "VÍ-DỤ"

_SUBJECT = Label(vi="Mã đối tượng", en="Subject id")
_PERIOD = Label(vi="Kỳ đánh giá", en="Period")
_AWARD = Label(vi="Mã danh hiệu / hình thức", en="Award id")
_START = Label(vi="Từ ngày", en="Start date")
_END = Label(vi="Đến ngày", en="End date")

#: The label of every fixed column, by table and column.
LABELS: Final[dict[str, dict[str, Label]]] = {
    "subjects": {
        "id": _SUBJECT,
        "kind": Label(vi="Loại (cá nhân / tập thể)", en="Kind (person / collective)"),
        "name": Label(vi="Họ tên / tên đơn vị", en="Name"),
        "parent": Label(vi="Mã đơn vị cấp trên", en="Parent unit id"),
        "cluster": Label(vi="Cụm, khối thi đua", en="Emulation cluster"),
        "gender": Label(vi="Giới tính", en="Gender"),
        "birth_year": Label(vi="Năm sinh", en="Birth year"),
        "staff_category": Label(vi="Nhóm cán bộ", en="Staff category"),
        "hardship_area": Label(vi="Công tác ở vùng khó khăn", en="Works in a hardship area"),
        "level": Label(vi="Cấp của tập thể", en="Level of the collective"),
    },
    "facts": {"subject": _SUBJECT, "period": _PERIOD},
    "evidence": {
        "id": Label(vi="Mã minh chứng", en="Evidence id"),
        "subject": _SUBJECT,
        "kind": Label(vi="Loại minh chứng", en="Kind of evidence"),
        "period": _PERIOD,
        "scope": Label(vi="Phạm vi công nhận", en="Scope of recognition"),
        "amount": Label(vi="Giá trị", en="Amount"),
        "description": Label(vi="Mô tả", en="Description"),
        "share": Label(vi="Tỷ lệ đóng góp", en="Share"),
        "recognised_by": Label(vi="Cơ quan công nhận", en="Recognised by"),
    },
    "awards": {
        "subject": _SUBJECT,
        "award": _AWARD,
        "period": _PERIOD,
        "type": Label(vi="Loại khen thưởng", en="Type of award"),
    },
    "service": {
        "subject": _SUBJECT,
        "start": _START,
        "end": _END,
        "kind": Label(vi="Hình thức công tác", en="Kind of service"),
    },
    "discipline": {
        "subject": _SUBJECT,
        "level": Label(vi="Hình thức kỷ luật", en="Disciplinary measure"),
        "start": _START,
        "end": _END,
    },
    "registrations": {
        "id": Label(vi="Mã đăng ký", en="Registration id"),
        "subject": _SUBJECT,
        "kind": Label(vi="Loại đăng ký", en="Kind of registration"),
        "field": Label(vi="Lĩnh vực", en="Field"),
        "start": Label(vi="Ngày bắt đầu", en="Start date"),
        "review": Label(vi="Ngày đánh giá", en="Review date"),
        "end": Label(vi="Ngày kết thúc", en="End date"),
        "status": Label(vi="Trạng thái", en="Status"),
    },
    "votes": {
        "subject": _SUBJECT,
        "award": _AWARD,
        "period": _PERIOD,
        "votes_for": Label(vi="Số phiếu đồng ý", en="Votes for"),
        "votes_against": Label(vi="Số phiếu không đồng ý", en="Votes against"),
        "absent_in_writing": Label(
            vi="Vắng mặt, cho ý kiến bằng văn bản", en="Absent, voted in writing"
        ),
        "council_size": Label(vi="Số thành viên hội đồng", en="Council size"),
    },
}

#: What a table holds, for the sheet that explains the columns.
TABLE_LABELS: Final[dict[str, Label]] = {
    "subjects": Label(vi="Đối tượng (cá nhân, tập thể)", en="Subjects (people, collectives)"),
    "facts": Label(vi="Dữ kiện theo kỳ", en="Facts per period"),
    "evidence": Label(vi="Minh chứng (sáng kiến, đề tài …)", en="Evidence (initiatives …)"),
    "awards": Label(vi="Khen thưởng đã có", en="Awards already held"),
    "service": Label(vi="Quá trình công tác", en="Service spells"),
    "discipline": Label(vi="Kỷ luật", en="Discipline records"),
    "registrations": Label(vi="Đăng ký mô hình, sáng kiến", en="Registrations"),
    "votes": Label(vi="Kết quả bỏ phiếu", en="Council votes"),
}


def header_label(label: Label, lang: str) -> str:
    """The text of a label cell: both languages, the chosen one first."""
    first, second = (label.vi, label.en) if lang == "vi" else (label.en, label.vi)
    return f"{first} / {second}"


def is_example(value: object) -> bool:
    """Whether a subject cell names the template's example subject (letter case, spacing and
    Unicode form aside)."""
    if not isinstance(value, str):
        return False
    return _folded(value) == _folded(EXAMPLE_SUBJECT)


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def example_values(period: str, start: dt.date, award: str | None) -> dict[str, dict[str, object]]:
    """The example row of each table: a person, :data:`EXAMPLE_SUBJECT`, in ``period`` (which
    starts on ``start``); ``award`` is an award id of the rulesets in force (None when there is
    none). Fact columns are added by the template."""
    award_id = award or ""
    return {
        "subjects": {
            "id": EXAMPLE_SUBJECT,
            "kind": "person",
            "name": "Nguyễn Thị Ví Dụ",
            "gender": "female",
            "birth_year": 1985,
            "hardship_area": False,
        },
        "facts": {"subject": EXAMPLE_SUBJECT, "period": period},
        "evidence": {
            "id": "VÍ-DỤ-SK-1",
            "subject": EXAMPLE_SUBJECT,
            "kind": "initiative",
            "period": period,
            "scope": "grassroots",
            "description": "Sáng kiến ví dụ / An example initiative",
            "share": 1,
        },
        "awards": {
            "subject": EXAMPLE_SUBJECT,
            "award": award_id,
            "period": period,
            "type": "merit",
        },
        "service": {"subject": EXAMPLE_SUBJECT, "start": dt.date(2015, 9, 1), "kind": "full_time"},
        "discipline": {
            "subject": EXAMPLE_SUBJECT,
            "level": "reprimand",
            "start": dt.date(2010, 3, 1),
            "end": dt.date(2011, 3, 1),
        },
        "registrations": {
            "id": "VÍ-DỤ-DK-1",
            "subject": EXAMPLE_SUBJECT,
            "kind": "model",
            "start": start,
            "status": "registered",
        },
        "votes": {
            "subject": EXAMPLE_SUBJECT,
            "award": award_id,
            "period": period,
            "votes_for": 9,
            "votes_against": 0,
            "absent_in_writing": 0,
            "council_size": 9,
        },
    }
