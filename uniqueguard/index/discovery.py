"""Finding the project a linted file belongs to, the files in it, and their dotted module names.

pre-commit hands the linter only the changed files, so everything the engine knows about models must be
found from the linted path alone: walk up to the project root, then walk down for models modules.
"""
from __future__ import annotations

import ast
import functools
import os
import time
import warnings
from typing import Dict, List, Optional, Tuple

ROOT_MARKERS = ("manage.py", "pyproject.toml", "setup.cfg", "setup.py", ".git")
# A marker that is also an ordinary module name: beside `__init__.py` it is a module of that package
# (django-cms's `cms/utils/setup.py`), not a distribution's build script, and marks no project root.
MODULE_MARKERS = frozenset({"setup.py"})

# Folders that never hold the project's own models: VCS, virtualenvs, caches, build output, migrations.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "virtualenv", "node_modules",
    "__pycache__", "build", "dist", "migrations", "site-packages", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".eggs", "htmlcov", "static", "media", "staticfiles",
})

# Folders whose packages are copies to read about, not the code the project runs: a tutorial's `shop`
# app beside the real one must never shadow it (see `rank_source_roots`).
SAMPLE_DIRS = frozenset({"docs", "doc", "examples", "example", "samples", "sample", "tutorial", "tutorials"})

# A project root with more files than this is walked no further; the walk says so instead of stalling.
MAX_WALK_ENTRIES = 200_000


def find_root(path: str) -> str:
    """The nearest folder at or above `path` holding a project marker (memoised per folder)."""
    return folder_root(start_folder(path))


def start_folder(path: str) -> str:
    """The folder a path stands for: itself when it is one, else the folder holding it."""
    return path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))


def folder_root(folder: str) -> str:
    """`find_root` of any file in `folder`, without a look at the disk for whether the path is a folder."""
    return _root_of_folder(os.path.abspath(folder))


@functools.lru_cache(maxsize=4096)
def _root_of_folder(start: str) -> str:
    """The nearest folder at or above `start` holding a project marker.

    With no marker anywhere (an unpacked package, a scratch folder), the folder above the file's
    package chain — where `import` would find it — so sibling apps are still one project. A folder
    without `__init__.py` inside a package (`pkg/deps/protocols/oidc/`, an implicit namespace
    subpackage) is part of that chain too: `pkg.deps.protocols.oidc.views` imports from the folder above
    `pkg`, so that is the root, not the namespace folder. The climb stops at an interpreter's install
    (`is_install_folder`): a file of the standard library or of site-packages never gets a root above
    it, where every other installed version's copy of its modules would be one project with it."""
    marked = _marked_folder(start)
    if marked is not None:
        return marked
    top = start
    while os.path.dirname(top) != top:
        if _is_package_folder(top):
            top = os.path.dirname(top)
            continue
        holder = _package_holding(top)
        if holder is None:
            break
        top = holder
    return top


@functools.lru_cache(maxsize=4096)
def _marked_folder(folder: str) -> Optional[str]:
    """The nearest folder at or above `folder` holding a project marker, not climbing past an
    interpreter's install; None when there is none. Memoised per folder as `_root_of_folder` is per
    start: the folders of a project share their ancestors, which were looked at again for each."""
    for marker in ROOT_MARKERS:
        if os.path.exists(os.path.join(folder, marker)) and not (
                marker in MODULE_MARKERS and _is_package_folder(folder)):
            return folder
    parent = os.path.dirname(folder)
    if parent == folder or is_install_folder(folder):
        return None
    return _marked_folder(parent)


@functools.lru_cache(maxsize=4096)
def _package_holding(folder: str) -> Optional[str]:
    """The nearest regular package (a folder with `__init__.py`) above a namespace `folder`, reached
    through folders without `__init__.py` only; None when there is none below an interpreter's install
    or the filesystem's top (then `folder` is a top-level folder of its own, not part of a package).
    Memoised per folder, as `_root_of_folder` is per start."""
    if is_install_folder(folder):
        return None
    parent = os.path.dirname(folder)
    if parent == folder:
        return None
    return parent if _is_package_folder(parent) else _package_holding(parent)


def is_install_folder(folder: str) -> bool:
    """A folder an interpreter imports installed code from: site-packages / dist-packages, the top of a
    virtualenv (pyvenv.cfg), or a standard library (`lib/pythonX.Y`, Windows `Lib`: os.py beside the
    encodings package)."""
    name = os.path.basename(folder)
    if name in ("site-packages", "dist-packages") or os.path.isfile(os.path.join(folder, "pyvenv.cfg")):
        return True
    return ((name.startswith("python") or name == "Lib") and os.path.isfile(os.path.join(folder, "os.py"))
            and os.path.isfile(os.path.join(folder, "encodings", "__init__.py")))


def folder_with(start: str, markers) -> Optional[str]:
    """The nearest folder at or above `start` holding one of `markers` (`.git`: the repository root)."""
    folder = os.path.abspath(start)
    while True:
        if any(os.path.exists(os.path.join(folder, m)) for m in markers):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


# Folders Django reads templates and translations from: what they hold is data, not modules (a Python
# file found in one is still read, and its folder stamped).
DATA_FOLDERS = frozenset({"templates", "jinja2", "locale"})


def is_skipped_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info") or (name.startswith(".") and name != ".")


def walk_python_files(root: str, folders: Optional[Dict[str, Optional[list]]] = None,
                      scanned: Optional[List[str]] = None) -> Tuple[list, bool]:
    """Paths of the `.py` files under root.

    Iterative (no recursion limit), never follows symlinked folders (no loops), skips virtualenvs
    (folders with pyvenv.cfg) and the SKIP_DIRS. Returns (paths, complete); complete is False when the
    walk stopped at MAX_WALK_ENTRIES. Folders that cannot be read (a root-owned database volume in the
    tree) are passed over: they hold no project code, and warning about them on every run would be noise.

    `folders`, when given, receives the stamp (`folder_stamp`) of every folder walked — a file added,
    removed or renamed there moves it (`ModuleIndex`), a new module in a folder that held no Python file
    too — except the folders of templates and translations that hold no Python file (`DATA_FOLDERS`:
    most of a tree's folders, which Django reads as data, never as modules). The stamps are taken after
    the walk, one stat per folder kept: a folder changed since shortly before the walk began may have
    changed while it was read, and gets a stamp no folder has (`UNSETTLED`).

    `scanned`, when given, receives every folder the walk read or tried to read, in its order (data
    folders, unreadable folders and virtualenvs' tops included): what `remember_walk` stamps.
    """
    started = time.time_ns()
    found: List[str] = []
    stack = [(root, False)]
    plain: List[str] = []  # folders walked outside the data folders
    seen = 0
    complete = True
    while stack and complete:
        folder, data = stack.pop()
        if scanned is not None:
            scanned.append(folder)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        if folder != root and any(e.name == "pyvenv.cfg" for e in entries):
            continue
        if not data:
            plain.append(folder)
        subfolders = []
        for entry in entries:
            seen += 1
            if seen > MAX_WALK_ENTRIES:
                complete = False
                break
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not is_skipped_dir(entry.name):
                        subfolders.append((entry.path, data or entry.name in DATA_FOLDERS))
                elif entry.name.endswith(".py"):
                    found.append(entry.path)
            except OSError:
                continue
        stack.extend(reversed(subfolders))
    if folders is not None:
        for folder in dict.fromkeys(plain + _folders_of(found, root)):
            stamp = folder_stamp(folder)
            folders[folder] = UNSETTLED if stamp is not None and stamp[0] >= started - SETTLED_NS else stamp
    return found, complete


# A folder changed this recently before a walk began (coarse file-system clocks lag; some file systems
# keep whole seconds) may have changed while it was read: its stamp is one no folder has, and the next
# comparison walks again.
SETTLED_NS = 2_000_000_000
UNSETTLED = [-1]


def folder_stamp(folder: str) -> Optional[list]:
    """[mtime in ns] of a folder, None when it cannot be stat'ed: moves when an entry is added, removed
    or renamed in it (an editor saving by rename too), not when a file in it is rewritten in place."""
    try:
        return [os.stat(folder).st_mtime_ns]
    except OSError:
        return None


def _folders_of(found: List[str], root: str) -> List[str]:
    """The root, the folders holding the files found, and the folders between."""
    kept = {root: None}
    for path in found:
        folder = os.path.dirname(path)
        while folder not in kept and len(folder) > len(root):
            kept[folder] = None
            folder = os.path.dirname(folder)
    return list(kept)


def module_name(path: str, root: str) -> Tuple[str, bool, str]:
    """(dotted module name, is_package, source root) of a file.

    The source root is the first folder above the file without `__init__.py` (how Django's manage.py
    layout and pytest's rootdir-less imports see it). A file in a folder without `__init__.py` (a
    namespace-package app) is named relative to the project root instead.
    """
    path = os.path.abspath(path)
    folder, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else filename
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    source_root = folder
    while _is_package_folder(source_root):
        source_root, name = os.path.split(source_root)
        parts.insert(0, name)
        if not name:
            break
    if source_root == folder and not is_package:
        try:
            relative = os.path.relpath(folder, root)
        except ValueError:
            relative = os.pardir
        if relative != os.curdir and not relative.startswith(os.pardir):
            parts = relative.split(os.sep) + parts
            source_root = root
    return ".".join(p for p in parts if p), is_package, source_root


def rank_source_roots(roots, project_root: str, preferred) -> list:
    """Source roots in the order module lookup tries them, so that a dotted name found twice is the copy
    the project imports: the `preferred` roots (the project root, `src/`, the folder holding manage.py,
    the settings package's parent) first, then other discovered roots, and last any root under a
    SAMPLE_DIRS folder (docs/tutorial/, examples/). Discovery order breaks ties."""
    def key(item):
        index, folder = item
        try:
            parts = os.path.relpath(folder, project_root).split(os.sep)
        except ValueError:  # another drive
            parts = []
        return any(part in SAMPLE_DIRS for part in parts), folder not in preferred, index

    return [folder for _, folder in sorted(enumerate(roots), key=key)]


@functools.lru_cache(maxsize=8192)
def _is_package_folder(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "__init__.py"))


def module_file(dotted: str, search_roots) -> Optional[str]:
    """The file that defines module `dotted` under one of the roots, without importing anything."""
    relative = dotted.replace(".", os.sep)
    for root in search_roots:
        base = os.path.join(root, relative)
        for candidate in (os.path.join(base, "__init__.py"), base + ".py"):  # a package wins, as in Python
            if os.path.isfile(candidate):
                return candidate
    return None


class ParseFailure(Exception):
    """A file that could not be read or parsed; the message says why, in one line, and `line` where."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message, line)  # all arguments, so pickling (-j workers) rebuilds it
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


def read_bytes(path: str) -> bytes:
    """A file's bytes, by `os.open` and `os.read`: the call graph reads every file of the tree for each
    batch of names it searches (a host's turn lets the texts go between files), and the buffered file
    object `open()` builds costs more than the read itself for a source file (django-oscar: 465 files,
    6 ms a pass against 3). Raises OSError."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks: List[bytes] = []
        while True:
            chunk = os.read(handle, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(handle)


def parse_file(path: str) -> ast.Module:
    """Parse a source file from bytes, so encoding cookies and BOMs are honoured the way Python does."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise ParseFailure(f"cannot read: {exc.strerror or exc}") from None
    return parse_source(data, path)


def parse_source(data, path: str) -> ast.Module:
    """Parse without letting the source's own SyntaxWarnings ("invalid escape sequence"...) reach the
    user's terminal: reading another module for its models must not make noise about it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return ast.parse(data, filename=path)
    except SyntaxError as exc:
        if exc.lineno is None:  # NUL bytes on some Pythons
            raise ParseFailure(f"syntax error: {exc.msg}") from None
        raise ParseFailure(f"syntax error at line {exc.lineno}: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # null bytes, undecodable text (UnicodeError is one), bad encoding cookie
        raise ParseFailure(f"cannot decode: {exc}") from None
    except (RecursionError, MemoryError):
        raise ParseFailure("too deeply nested to parse") from None
