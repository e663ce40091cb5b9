"""``History`` resolves each folder once per build: the same real paths as ``Path.resolve``.
``head_log`` finds Git's log of HEAD, which the dev server watches for commits."""

import os
from pathlib import Path

from content_model.history import History, head_log
from tests.support.testing import git, write


def test_paths_resolve_as_path_resolve_does_through_links(tmp_path, monkeypatch):
    real = tmp_path / "echt"
    write(real / "sub/a.md", "a")
    write(real / "b.md", "b")
    os.symlink(real, tmp_path / "link")  # a linked folder
    os.symlink("sub/a.md", real / "relatief.md")  # a linked file, relative
    os.symlink(real / "sub", real / "sublink")
    os.symlink("../echt/sub/a.md", real / "sub/omhoog.md")
    os.symlink(tmp_path / "nergens.md", real / "kapot.md")  # broken
    names = ["a.md", "b.md", "relatief.md", "kapot.md", "omhoog.md", "weg.md", "..", "."]
    names += ["../b.md", "sub/../b.md", "sublink/../b.md"]  # .. after a link is physical
    folders = [real, tmp_path / "link", tmp_path / "link/sub", real / "sublink"]
    cases = [str(folder / name) for folder in folders for name in names]
    monkeypatch.chdir(tmp_path / "link")
    cases += ["a.md", "sub/a.md", "sublink/omhoog.md", "relatief.md", "sublink/../b.md"]
    history = History()
    for _ in range(2):  # the second time with the folders known
        assert [history._resolve(c) for c in cases] == [Path(c).resolve() for c in cases]
    assert history._resolve(str(tmp_path / "link/relatief.md")) == real / "sub/a.md"


def test_heads_log_is_gits_for_a_folder_in_a_work_tree_and_none_outside(tmp_path):
    content = tmp_path / "site/content/events"
    write(content / "a.md", "a")
    assert head_log(content) is None  # not in Git
    assert head_log(tmp_path / "nergens") is None  # no such folder
    git(tmp_path / "site", "init", "-q")
    assert head_log(content) is None  # no commit yet: nothing has logged
    git(tmp_path / "site", "add", "-A")
    git(tmp_path / "site", "commit", "-qm", "begin")
    assert head_log(content) == str(tmp_path / "site/.git/logs/HEAD")
    # a linked worktree logs its own HEAD
    git(tmp_path / "site", "worktree", "add", "-q", "--detach", str(tmp_path / "tweede"))
    assert head_log(tmp_path / "tweede/content") == str(
        tmp_path / "site/.git/worktrees/tweede/logs/HEAD"
    )


def test_waiting_for_head_ends_once_head_is_where_its_log_says(tmp_path):
    """Git appends to HEAD's log before it moves the branch; ``wait_for_head`` waits for the
    move (made here by hand, as Git makes it: the new ref's lock file renamed into place)."""
    import threading
    import time

    from content_model.history import wait_for_head

    git(tmp_path, "init", "-q")
    write(tmp_path / "a.md", "a")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "een")
    first = git(tmp_path, "rev-parse", "HEAD")
    second = git(tmp_path, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "twee")
    log = head_log(tmp_path)
    assert wait_for_head(tmp_path, log, timeout=0.1)  # HEAD is where the log says
    with open(log, "a") as f:  # Git's first step of a commit: the log
        f.write(f"{first} {second} Test <test@example.invalid> 1700000000 +0000\tcommit: twee\n")
    assert not wait_for_head(tmp_path, log, timeout=0.2)  # the branch has not moved yet

    def move():  # Git's second step: the branch's new value, renamed into place
        time.sleep(0.4)
        lock = tmp_path / ".git/refs/heads/main.lock"
        lock.write_text(second + "\n")
        os.rename(lock, tmp_path / ".git/refs/heads/main")

    mover = threading.Thread(target=move)
    start = time.monotonic()
    mover.start()
    assert wait_for_head(tmp_path, log, timeout=10)
    assert time.monotonic() - start >= 0.35
    assert git(tmp_path, "rev-parse", "HEAD") == second
    mover.join()


def test_the_logged_head_is_read_from_the_whole_last_line(tmp_path):
    from content_model.history import _logged_head

    a, b, c = "a" * 40, "b" * 40, "c" * 40
    log = tmp_path / "HEAD"
    log.write_text("")
    assert _logged_head(str(log)) is None  # empty (after `git reflog expire`)
    assert _logged_head(str(tmp_path / "nergens")) is None
    log.write_text(f"{a} {b} T <t@x> 1 +0000\tcommit: een\n")
    assert _logged_head(str(log)) == b
    long_subject = " ".join(["woord"] * 2000)  # a commit subject of 12 KB, with spaces
    with open(log, "a") as f:
        f.write(f"{b} {c} T <t@x> 2 +0000\tcommit: {long_subject}")  # and no newline
    assert _logged_head(str(log)) == c
    earlier = "".join(f"{a} {b} T <t@x> {n} +0000\tcommit: {n}\n" for n in range(400))
    log.write_text(earlier + f"{b} {c} T <t@x> 2 +0000\tcommit: {long_subject}\n\n")
    assert _logged_head(str(log)) == c  # 30 KB of lines before it
