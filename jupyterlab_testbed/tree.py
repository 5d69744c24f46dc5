"""List a folder without following links, for "Prepare for publishing".

The contents API follows symbolic links and does not say which entries are
links, so a lab folder with a link to ``~/.ssh`` would be copied into a
published artifact through it. This endpoint tells links, folders, files and
anything else apart with ``lstat``, inside the server's root only.

It shows no more than the contents API would: entries the contents manager
hides (hidden files unless ``allow_hidden``, names matching ``hide_globs``)
are left out and only counted. The one exception is the checkpoint folder,
whose copies of the lab's files "Prepare for publishing" brings up to date
when it cleans a lab in place.
"""

import os
import stat
from datetime import datetime, timezone

from jupyter_core.paths import is_file_hidden

from .errors import RequestError

# A folder this large is not a lab; the front end's walk has its own bounds.
MAX_ENTRIES = 5000


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


def _checkpoint_folder(manager):
    checkpoints = getattr(manager, "checkpoints", None)
    return getattr(checkpoints, "checkpoint_dir", ".ipynb_checkpoints")


def _shown(manager, os_path, name):
    """Whether the contents manager would list this entry (or it is the checkpoint folder).

    The file manager's own test, entry by entry: the folder above was checked already.
    """
    if not manager.should_list(name):
        return False
    if getattr(manager, "allow_hidden", False) or name == _checkpoint_folder(manager):
        return True
    if name.startswith("."):
        return False
    try:
        return not is_file_hidden(os_path, stat_res=os.lstat(os_path))
    except OSError:
        return False


def _modified(info):
    """The time of the last change, as the contents API gives it."""
    return datetime.fromtimestamp(info.st_mtime, tz=timezone.utc).isoformat()


def _is_real_folder(path):
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def list_folder(manager, raw_path):
    """The folder's entries as {"items", "hidden", "truncated"}.

    raw_path is the query's bytes: Tornado's get_query_argument turns control
    characters into spaces, and a student may well have named a folder with them.
    """
    try:
        path = raw_path.decode("utf-8").strip("/")
    except UnicodeDecodeError:
        raise RequestError("the path is not UTF-8") from None
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts) or "\0" in path:
        raise RequestError("the path must stay inside the server's root")
    root = os.path.realpath(manager.root_dir)
    # Every step of the path must be a real folder, not a link out of the
    # root, and one the contents manager would show.
    current = root
    for part in parts:
        current = os.path.join(current, part)
        if not _is_real_folder(current):
            raise RequestError(f"{path} is not a folder", 404)
        if not _shown(manager, current, part):
            raise RequestError(f"{path} is hidden, and this server does not show hidden files", 404)
    items = []
    hidden = 0
    with os.scandir(current) as entries:
        for entry in entries:
            if len(items) >= MAX_ENTRIES:
                break
            if not _shown(manager, entry.path, entry.name):
                hidden += 1
                continue
            info = entry.stat(follow_symlinks=False)
            kind = _kind(info.st_mode)
            item = {
                "name": entry.name,
                "kind": kind,
                "size": info.st_size if kind == "file" else None,
                "modified": _modified(info) if kind == "file" else None,
            }
            items.append(item)
    items.sort(key=lambda item: item["name"])
    return {"items": items, "hidden": hidden, "truncated": len(items) >= MAX_ENTRIES}
