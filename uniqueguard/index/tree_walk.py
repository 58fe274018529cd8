"""The tree's walk remembered between processes: a warm single-file run (what pre-commit does) takes the
project's list of Python files from the facts cache at one stat per folder, instead of reading every
folder of the tree (shuup: 1,132 folders, 13 ms of a run whose plugin may add 0.1 s).

The record (`remember_walk`) holds the walk's files and every folder it read, with a digest of each
folder's [mtime, ctime]: any entry added, removed or renamed in a folder moves its mtime, a change of
its permissions (an unreadable folder made readable) its ctime, so while the digest holds, walking
again would find the same files in the same order (`discovery.walk_python_files`). Nothing else of the
tree is assumed: a file's own contents are stamped where they are read, as before.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional

from . import discovery
from .cache import sha1


def remember_walk(root: str, files: List[str], complete: bool, scanned: List[str],
                  folders: Dict[str, Optional[list]], started: int) -> Optional[dict]:
    """What lets a later process take a complete walk's result without walking (`remembered_walk`):
    its files and every folder it read, relative to `root`, which of those `folders` tracks, and a
    digest of each one's [mtime, ctime] (`_folders_print`). Any entry added, removed or renamed in a
    folder moves its mtime, a change of its permissions (an unreadable folder made readable) its
    ctime, so while the digest holds, a walk would find the same files in the same order. None for a
    walk that stopped early, or one that read a folder changed since shortly before `started`
    (time.time_ns() before the walk: it may have changed while it was read, within the same tick of a
    coarse clock); the next process walks again."""
    prefix = root.rstrip(os.sep) + os.sep
    if not complete or not scanned or scanned[0] != root or \
            any(not path.startswith(prefix) for path in files + scanned[1:]):
        return None
    index = {folder: number for number, folder in enumerate(scanned)}
    tracked = [index[folder] for folder in folders if folder in index]
    if len(tracked) != len(folders):
        return None
    record = {"files": [path[len(prefix):] for path in files], "folders": [f[len(prefix):] for f in scanned[1:]],
              "tracked": tracked, "limit": discovery.MAX_WALK_ENTRIES}
    printed = _print(scanned, record, started - discovery.SETTLED_NS)
    if printed is None:
        return None
    record["print"] = printed
    return record


def remembered_walk(root: str, record: object, folders: Dict[str, Optional[list]]) -> Optional[List[str]]:
    """The files of the walk `remember_walk` described, when every folder it read is as it was then,
    at one stat per folder instead of reading every folder; `folders` receives the stamps the walk
    would have given the folders it tracks. None when anything differs or the record is odd."""
    try:
        if not isinstance(record, dict) or record.get("limit") != discovery.MAX_WALK_ENTRIES:
            return None
        prefix = root.rstrip(os.sep) + os.sep
        scanned = [root] + [prefix + name for name in record["folders"]]
        stamps: List[int] = []
        if _print(scanned, record, None, stamps) != record["print"]:
            return None
        tracked = {scanned[number]: [stamps[number]] for number in record["tracked"]}
        files = [prefix + name for name in record["files"]]
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
    folders.update(tracked)
    return files


def _print(scanned: List[str], record: dict, settled_before: Optional[int],
           stamps: Optional[List[int]] = None) -> Optional[str]:
    """A digest of the folders' [mtime, ctime] in ns, and of the record's folders, files and tracked
    folders (a record is taken whole or not at all); None when a folder cannot be stat'ed or (with
    `settled_before`) changed at or after that time. `stamps` receives each folder's mtime. One stat
    per folder is the whole cost (shuup: 1,132 folders, 4 ms; the walk took 13-18 ms)."""
    times = []
    for folder in scanned:
        try:
            status = os.stat(folder)
        except OSError:
            return None
        if settled_before is not None and max(status.st_mtime_ns, status.st_ctime_ns) >= settled_before:
            return None
        if stamps is not None:
            stamps.append(status.st_mtime_ns)
        times.append(f"{status.st_mtime_ns}:{status.st_ctime_ns}")
    text = "\0".join(["\0".join(times), "\0".join(record["folders"]), "\0".join(record["files"]),
                      repr(record["tracked"])])
    return sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
