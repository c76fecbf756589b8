"""Output files (``-o``): the target is always the old or the new whole file, never half.

A run killed with SIGKILL in the middle of writing leaves at most a temporary file that is
plainly ours; the next write into that folder removes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emulation.cli import main, write_atomically

ROOT = Path(__file__).resolve().parents[1]
STATE = str(ROOT / "rulesets" / "state")
UNION = str(ROOT / "examples" / "union.json")
EVALUATE = ("evaluate", UNION, "--period", "2024", "--award", "ldtt", "--rulesets", STATE)

#: Large enough that writing it takes a good fraction of a second, so the kill lands mid-write.
LARGE = 100_000_000

CHILD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from emulation.cli import write_atomically\n"
    "write_atomically(Path(sys.argv[1]), 'x' * int(sys.argv[2]))\n"
)

posix_only = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def others(folder: Path, *keep: str) -> list[str]:
    """The names in ``folder`` besides ``keep``."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def kill_while_writing(target: Path, size: int) -> list[str]:
    """Start a child writing ``size`` bytes to ``target``, SIGKILL it as soon as its temporary
    file holds data, and return what it left beside the target."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(size)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            written = [p for p in target.parent.iterdir() if p != target and p.stat().st_size]
            if written:
                break
            time.sleep(0.001)
        assert child.poll() is None, "the child finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    return others(target.parent, target.name)


@pytest.mark.slow
@posix_only
def test_a_write_killed_midway_leaves_the_target_whole_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    target = tmp_path / "decisions.json"
    target.write_text("previous\n", encoding="utf-8")
    left = kill_while_writing(target, LARGE)
    content = target.read_bytes()
    assert content in (b"previous\n", b"x" * LARGE), "the target is neither old nor new"
    # what the killed run left is plainly ours, named after the target and the process
    assert left, "the kill landed after the rename: nothing to clean up was left"
    [temporary] = left
    assert temporary.startswith(".decisions.json.emulation-tmp-"), temporary
    # the next run removes it
    write_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert others(tmp_path, target.name) == []


@pytest.mark.slow
@posix_only
def test_the_next_command_line_run_removes_what_a_killed_run_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    assert kill_while_writing(target, LARGE // 4)  # nothing was there before: no target yet
    assert not target.exists() or target.read_bytes() == b"x" * (LARGE // 4)
    status = main([*EVALUATE, "--format", "csv", "-o", str(target)])
    assert status == 0, capsys.readouterr().err
    assert target.read_text(encoding="utf-8").startswith("subject,name,award,label,period,outcome")
    assert others(tmp_path, target.name) == []


def test_a_temporary_file_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    """A temporary file whose writer still holds it (a concurrent run) is not ours to delete."""
    from emulation._output import temporary_for

    target = tmp_path / "out.json"
    with temporary_for(target) as (stream, _):
        stream.write(b"half")
        write_atomically(tmp_path / "other.json", "other\n")
        assert len(others(tmp_path, "other.json")) == 1
    assert others(tmp_path, "other.json") == []


def test_only_our_temporary_files_are_removed(tmp_path: Path) -> None:
    ours = tmp_path / ".out.json.emulation-tmp-999999999-0a1b2c3d"
    ours.write_bytes(b"")
    theirs = [
        tmp_path / ".out.json.tmp",
        tmp_path / "out.json.emulation-tmp-1-00000000",  # not hidden: not a name we make
        tmp_path / ".out.json.emulation-tmp-x-00000000",
    ]
    for path in theirs:
        path.write_bytes(b"keep")
    folder = tmp_path / ".sub.emulation-tmp-1-00000000"
    folder.mkdir()
    write_atomically(tmp_path / "out.json", "{}\n")
    assert not ours.exists()
    assert all(path.read_bytes() == b"keep" for path in theirs)
    assert folder.is_dir()


def test_the_written_file_has_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "out.json", "{}\n")
    finally:
        os.umask(mask)
    assert (tmp_path / "out.json").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous\n", encoding="utf-8")

    def no_room(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_room)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, "new\n" * 1000)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert others(tmp_path, target.name) == []


def test_a_target_in_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "out.json"
    status = main([*EVALUATE, "-o", str(target)])
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err == f"emulation: {target}: No such file or directory\n"


def test_a_target_that_is_a_folder_is_named_in_the_error(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        write_atomically(target, "{}\n")
    assert caught.value.filename == str(target)
    assert target.is_dir()
    assert others(tmp_path, "out") == []
