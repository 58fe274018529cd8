"""Findings per rule per corpus, compared with the judged ones: the precision measurement of issue 13.

    python bench/findings.py                        # every application in corpora.APPLICATIONS
    python bench/findings.py --corpora shuup,wger   # some of them (names from corpora.ALL)
    python bench/findings.py --add-new              # also append unjudged findings to the data files
    python bench/findings.py --render               # also rewrite triage/<corpus>.md from the data files

It runs the engine in-process over each corpus as a user's default run would (default options: UNQ004
computed but off by default, tests and migrations excluded by the engine's own defaults, no facts
cache), and prints per corpus: findings per rule, the judged real/noise among the default-on ones,
precision (real / default-on), and every finding that is NEW (not judged yet) or VANISHED (judged, no
longer reported; a vanished *real* one is a lost true positive and is flagged loudly), plus those whose
rule or message changed (re-judge the hint).

Judgements live in triage/applications/<corpus>.json, one entry per finding, keyed by what survives line
shifts: the corpus-relative path, the enclosing function, the call's text and its occurrence among
identical calls there (the line is kept only as a pointer). The rule it was judged under is kept too: a
finding whose rule changed is matched, and reported as CHANGED. Policy: triage/POLICY.md.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.append(os.path.dirname(HERE))  # this working tree's uniqueguard when none is installed

import corpora  # noqa: E402

JUDGED = os.path.join(HERE, "triage", "applications")
DEFAULT_ON = ("UNQ001", "UNQ002", "UNQ003")
CAUSES = {  # noise cause → what it means (triage/POLICY.md has the long form)
    "test-support": "test support outside tests/ (factories, test utilities, fixtures loaders)",
    "migration-support": "code that only runs in a migration (RunPython, (apps, schema_editor))",
    "new-row": "a unique set that includes a row inserted a moment ago (post_save created, nested, loop, "
               "through rows, bulk_create under a fresh parent, a parameter every caller passes fresh)",
    "keeps-unique": "an update that keeps the unique value (update_fields, loaded row, serializer/form update)",
    "unsupplied-value": "a value nobody supplies (random/uuid default, auto_now, nullable composite field left NULL)",
    "never-commits": "a write that never commits (dry-run context manager, set_rollback)",
    "validated": "validation the engine misses (UNQ004 at most)",
    "one-off-race": "a check-then-create whose only failure is two concurrent runs of a one-off admin command "
                    "(an import, a repair); a re-run and duplicates in its input are handled",
    "caught": "an IntegrityError handler or guard the engine misses (caller, wrapper, decorator)",
    "not-unique": "the set named is not unique in the database, or the model/field was misread",
    "other-cannot-fail": "cannot fail for another reason (said in `why`)",
}


def _key(entry: dict) -> tuple:
    return (entry["path"], entry["context"], entry["call"], entry.get("occurrence", 1))


def run_engine(root: str) -> list:
    """Every finding the engine reports on the corpus with default options, as plain rows."""
    from uniqueguard.config import Options
    try:
        from uniqueguard.analysis.engine import check_source
    except ImportError:  # before the engine moved into uniqueguard.analysis (38e4160)
        from uniqueguard.engine import check_source
    from uniqueguard.paths import relative_posix

    warnings.simplefilter("ignore")
    options = Options(root=root, cache=False)
    if "select" in options.__dict__:  # the engine applies rule selection (a field of Options): all rules
        from uniqueguard.rules import RULES

        options = Options(**{**options.__dict__, "extend_select": tuple(rule.code for rule in RULES)})
    rows, seen = [], collections.Counter()
    for path in corpora.python_files(root):
        with open(path, "rb") as handle:
            data = handle.read()
        found = [f for f in check_source(data, path, options) if not getattr(f, "note", False)]
        for finding in sorted(found, key=lambda f: (f.line, f.col, f.code, f.message)):
            relative = relative_posix(path, root)
            seen[(relative, finding.context, finding.snippet)] += 1
            rows.append({"path": relative, "line": finding.line, "rule": finding.code, "context": finding.context,
                         "call": finding.snippet, "occurrence": seen[(relative, finding.context, finding.snippet)],
                         "message": finding.message})
    return rows


def load_judged(name: str) -> dict:
    path = os.path.join(JUDGED, f"{name}.json")
    if not os.path.exists(path):
        return {"corpus": name, "requirement": corpora.ALL[name], "findings": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def save_judged(name: str, data: dict) -> None:
    os.makedirs(JUDGED, exist_ok=True)
    data["findings"].sort(key=lambda e: (e["path"], e.get("line", 0), e["context"], e["call"]))
    with open(os.path.join(JUDGED, f"{name}.json"), "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def _short(row: dict) -> str:
    return f"{row['path']}:{row.get('line', '?')} {row['rule']} {row['context'] or '<module>'}: `{row['call'][:90]}`"


def _subject(message: str) -> str:
    """What a message is about, whatever its rule: the write and the unique sets it risks (the text before
    the first "; "), so a finding that changed rule still pairs with its judgement."""
    return message.split("; ")[0]


def pair_occurrences(rows: list, entries: list) -> None:
    """Number the findings that share a function and a call's text (a helper call reaching two writes) by
    the judgement that names the same write and sets, not by their sorted order, which a change of rule
    reshuffles (UNQ001 → UNQ004 sorts after its sibling); rows left over take the numbers left over."""
    groups = collections.defaultdict(list)
    for row in rows:
        groups[(row["path"], row["context"], row["call"])].append(row)
    judged = collections.defaultdict(list)
    for entry in entries:
        judged[(entry["path"], entry["context"], entry["call"])].append(entry)
    for key, members in groups.items():
        candidates = judged.get(key, [])
        if len(members) < 2 or not candidates:
            continue
        free = sorted(e.get("occurrence", 1) for e in candidates)
        by_subject = {}
        for entry in candidates:
            by_subject.setdefault(_subject(entry.get("message", "")), []).append(entry)
        left = []
        for row in members:  # among judgements about the same write, the one recorded nearest its line
            same = sorted(by_subject.get(_subject(row["message"]), []),
                          key=lambda e: abs(e.get("line", 0) - row["line"]))
            matches = [e.get("occurrence", 1) for e in same if e.get("occurrence", 1) in free]
            if matches:
                row["occurrence"] = matches[0]
                free.remove(matches[0])
            else:
                left.append(row)
        taken = {row["occurrence"] for row in members if row not in left}
        spare = [o for o in free if o not in taken] + list(range(len(members) + len(candidates) + 1, 10_000))
        for row, occurrence in zip(left, spare):
            row["occurrence"] = occurrence


def compare(name: str, rows: list, judged: dict, out, brief: bool = False) -> dict:
    """Print one corpus's comparison; return its figures."""
    pair_occurrences(rows, judged["findings"])
    by_key = {_key(e): e for e in judged["findings"]}
    current = {_key(r): r for r in rows}
    counts = collections.Counter(r["rule"] for r in rows)
    figures = {"corpus": name, "counts": dict(sorted(counts.items())), "real": 0, "noise": 0, "unjudged": 0}
    new, changed, message_changed = [], [], []
    for key, row in current.items():
        entry = by_key.get(key)
        if row["rule"] not in DEFAULT_ON:
            if entry and entry.get("rule") in DEFAULT_ON and entry.get("verdict") == "real":
                changed.append((row, entry, "REAL FINDING NOW OFF BY DEFAULT"))
            elif entry and entry.get("rule") != row["rule"]:
                changed.append((row, entry, ""))
            continue
        if entry is None or entry.get("verdict") not in ("real", "noise"):
            figures["unjudged"] += 1
            new.append(row)
            continue
        figures[entry["verdict"]] += 1
        if entry.get("rule") != row["rule"]:
            changed.append((row, entry, "re-judge the hint"))
        elif entry.get("message") != row["message"]:
            message_changed.append((row, entry))
    vanished = [e for k, e in by_key.items() if k not in current and e.get("rule") in DEFAULT_ON]
    # A write reported at its callers instead ("f() reaches the write at path:line"): moved, not lost. The corpora
    # are pinned, so a judged line still names the same write.
    moved = {id(e): [r for r in rows if r["rule"] in DEFAULT_ON and f"{e['path']}:{e.get('line')}" in r["message"]]
             for e in vanished}
    moved = {i: callers for i, callers in moved.items() if callers}
    vanished_moved = [e for e in vanished if id(e) in moved]
    vanished = [e for e in vanished if id(e) not in moved]
    default_on = sum(counts[c] for c in DEFAULT_ON)
    judged_on = figures["real"] + figures["noise"]
    figures["default_on"] = default_on
    figures["precision"] = round(figures["real"] / judged_on, 3) if judged_on else None
    figures["lost_real"] = [_short(e) for e in vanished if e.get("verdict") == "real"]
    shown = [(k, e) for k, e in by_key.items()
             if k in current and current[k]["rule"] in DEFAULT_ON and e.get("hint") == "wrong"]
    figures["wrong_hints"] = [_short(current[k]) for k, e in shown if e.get("verdict") == "real"]
    figures["wrong_hints_on_noise"] = [_short(current[k]) for k, e in shown if e.get("verdict") != "real"]

    rules = ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"
    print(f"\n== {name} ({corpora.ALL[name]})", file=out)
    print(f"findings: {rules}  (default-on: {default_on}; UNQ004 is off by default)", file=out)
    precision = f"{figures['precision']:.0%}" if figures["precision"] is not None else "-"
    print(f"judged default-on: real {figures['real']}, noise {figures['noise']}, unjudged {figures['unjudged']}"
          f"  → precision {precision} ({figures['real']}/{judged_on})", file=out)
    noise_causes = collections.Counter(by_key[k].get("cause") or "?" for k, r in current.items()
                                       if r["rule"] in DEFAULT_ON and k in by_key
                                       and by_key[k].get("verdict") == "noise")
    if noise_causes:
        print("noise by cause: " + ", ".join(f"{c} {n}" for c, n in noise_causes.most_common()), file=out)
    for label, lines in (("WRONG HINTS on real findings", figures["wrong_hints"]),
                         ("wrong hints on noise", figures["wrong_hints_on_noise"])):
        if lines:
            print(f"{label} ({len(lines)}):", file=out)
            for line in lines:
                print(f"  {line}", file=out)
    if new:
        print(f"NEW, unjudged ({len(new)}):", file=out)
        for row in new:
            print(f"  {_short(row)}\n      {row['message']}", file=out)
    lost = [e for e in vanished if e.get("verdict") == "real"]
    if lost:
        print(f"!!! VANISHED REAL FINDINGS — true positives lost ({len(lost)}):", file=out)
        for entry in lost:
            print(f"  !!! {_short(entry)} — {entry.get('why', '')}", file=out)
    if vanished_moved:
        print(f"moved to the callers that reach them ({len(vanished_moved)}):", file=out)
        for entry in vanished_moved:
            print(f"  {_short(entry)} [{entry.get('verdict')}] → "
                  + ", ".join(f"{r['path']}:{r['line']} {r['rule']}" for r in moved[id(entry)]), file=out)
    figures["moved_real"] = sum(1 for e in vanished_moved if e.get("verdict") == "real")
    gone = [e for e in vanished if e.get("verdict") != "real"]
    if gone:
        causes = collections.Counter(e.get("cause") or "?" for e in gone)
        print(f"vanished noise ({len(gone)}: " + ", ".join(f"{c} {n}" for c, n in causes.most_common()) + ")"
              + ("" if brief else ":"), file=out)
        for entry in [] if brief else gone:
            print(f"  {_short(entry)} [{entry.get('cause', '?')}]", file=out)
    for row, entry, note in changed:
        loud = "!!! " if note.startswith("REAL") else ""
        print(f"{loud}CHANGED {entry.get('rule')} → {row['rule']} ({entry.get('verdict', 'unjudged')}"
              f"{'; ' + note if note else ''}): {_short(row)}", file=out)
    if message_changed:
        print(f"message changed, re-judge the hint ({len(message_changed)}):", file=out)
        for row, entry in message_changed:
            print(f"  {_short(row)} [hint was {entry.get('hint', '?')}]\n      now: {row['message']}", file=out)
    return figures


def add_new(name: str, rows: list, judged: dict) -> int:
    """Append the unjudged findings (verdict null) and refresh line/message pointers of judged ones."""
    by_key = {_key(e): e for e in judged["findings"]}
    added = 0
    for row in rows:
        entry = by_key.get(_key(row))
        if entry is None:
            if row["rule"] not in DEFAULT_ON:
                continue
            judged["findings"].append({**row, "verdict": None, "cause": "", "hint": "", "better_rule": "",
                                       "why": ""})
            added += 1
        elif entry.get("verdict") is None:
            entry.update(line=row["line"], message=row["message"], rule=row["rule"])
    return added


def _gist(message: str) -> tuple:
    """What a hint verdict rests on: the unique sets a message names and the fixes it proposes (not its wording)."""
    sets = re.search(r"unique (.*?)(?: and nothing|: the|; nothing|; the|;|$)", message)
    named = tuple(sorted(s.strip() for s in re.split(r", (?=[A-Z])", sets.group(1)))) if sets else ()
    fixes = set()
    for pattern in (r"get_or_create\((\w+)=", r"ignore_conflicts", r"try/except", r"Meta\.fields",
                    r"super\(\)\.clean\(\)", r"clean_\w+", r"UniqueValidator", r"UniqueTogetherValidator", r"atomic",
                    r"check (\w+) yourself", r"add ([\w, ]+) to", r"created by (\S+)", r"receiver"):
        fixes.update(match.group(0) for match in re.finditer(pattern, message))
    return named, frozenset(fixes)


def refresh_messages(rows: list, judged: dict) -> int:
    """Take the current wording of judged findings whose message names the same sets and fixes as the judged
    one (a rewording leaves the hint verdict standing); the others stay listed as 'message changed'."""
    current = {_key(r): r for r in rows}
    refreshed = 0
    for entry in judged["findings"]:
        row = current.get(_key(entry))
        if (row and entry.get("verdict") and row["message"] != entry.get("message")
                and row["rule"] == entry.get("rule") and _gist(row["message"]) == _gist(entry.get("message", ""))):
            entry.update(message=row["message"], line=row["line"])
            refreshed += 1
    return refreshed


def render(name: str, judged: dict) -> str:
    """triage/<corpus>.md from the data file."""
    entries = [e for e in judged["findings"] if e.get("rule") in DEFAULT_ON]
    real = [e for e in entries if e.get("verdict") == "real"]
    noise = [e for e in entries if e.get("verdict") == "noise"]
    lines = [f"# Triage: {name} ({judged.get('requirement', corpora.ALL.get(name, ''))}, from PyPI; tests and "
             f"migrations excluded by default)", "",
             f"Generated by `python bench/findings.py --render` from `applications/{name}.json` (the data: edit "
             f"that, then re-render). Policy: `POLICY.md`. Lines are those of the run the judgement was made on.", "",
             *([judged["note"], ""] if judged.get("note") else []),
             f"Default-on findings judged: {len(entries)} — real {len(real)}, noise {len(noise)}"
             + (f" ({len(real) / len(entries):.0%} real)" if entries else ""), ""]
    causes = collections.Counter(e.get("cause") or "?" for e in noise)
    if causes:
        lines += ["| noise cause | findings |", "| --- | --- |"]
        lines += [f"| {c} — {CAUSES.get(c, '')} | {n} |" for c, n in causes.most_common()]
        lines.append("")
    lines += ["| finding | verdict | cause | hint | why |", "| --- | --- | --- | --- | --- |"]
    for e in entries:
        call = e["call"].replace("|", "\\|")
        if len(call) > 70:
            call = call[:67] + "..."
        rule = e["rule"] + (f" (should be {e['better_rule']})" if e.get("better_rule") else "")
        why = (e.get("why") or "").replace("|", "\\|")
        lines.append(f"| `{e['path']}:{e.get('line', '?')}` {rule} `{e['context'] or '<module>'}` `{call}` | "
                     f"{e.get('verdict') or 'UNJUDGED'} | {e.get('cause') or ''} | {e.get('hint') or ''} | {why} |")
    return "\n".join(line for line in lines) + "\n"


def _one(args_tuple):
    name, cache = args_tuple
    root = corpora.fetch(name, cache)
    return name, len(corpora.python_files(root)), run_engine(root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "uniqueguard-bench"))
    parser.add_argument("--corpora", default=",".join(corpora.APPLICATIONS),
                        help="comma-separated names from corpora.APPLICATIONS (or corpora.PROJECTS)")
    parser.add_argument("--add-new", action="store_true",
                        help="append unjudged default-on findings to triage/applications/<corpus>.json")
    parser.add_argument("--refresh-messages", action="store_true",
                        help="store reworded messages that name the same sets and fixes (the hint verdict stands)")
    parser.add_argument("--render", action="store_true", help="rewrite triage/<corpus>.md from the data files")
    parser.add_argument("--json", metavar="FILE", help="also write the current findings and figures as JSON")
    parser.add_argument("--brief", action="store_true", help="count vanished noise instead of listing it")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="corpora analysed in parallel (default 1)")
    args = parser.parse_args()
    names = [n.strip() for n in args.corpora.split(",") if n.strip()]
    unknown = [n for n in names if n not in corpora.ALL]
    if unknown:
        parser.error(f"unknown corpus: {', '.join(unknown)}")
    for name in names:  # downloads first, one at a time
        corpora.fetch(name, args.cache)
    if args.jobs > 1:
        import multiprocessing

        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(_one, [(n, args.cache) for n in names])
    else:
        results = [_one((n, args.cache)) for n in names]
    try:
        commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    print(f"uniqueguard findings on published applications — engine at {commit or '?'}")
    table, dump = [], {}
    for name, files, rows in results:
        judged = load_judged(name)
        if args.refresh_messages:
            refreshed = refresh_messages(rows, judged)
            if refreshed:
                save_judged(name, judged)
                print(f"(refreshed {refreshed} reworded message(s) in triage/applications/{name}.json)")
        figures = compare(name, rows, judged, sys.stdout, args.brief)
        figures["files"] = files
        table.append(figures)
        dump[name] = {"figures": figures, "findings": rows}
        if args.add_new:
            added = add_new(name, rows, judged)
            save_judged(name, judged)
            if added:
                print(f"(added {added} unjudged finding(s) to triage/applications/{name}.json)")
        if args.render:
            with open(os.path.join(HERE, "triage", f"{name}.md"), "w", encoding="utf-8") as handle:
                handle.write(render(name, load_judged(name)))
    print("\n| corpus | files | findings | default-on | real | noise | unjudged | precision | lost real "
          "| real moved to callers | wrong hints (real) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    total = collections.Counter()
    for f in table:
        precision = f"{f['precision']:.0%}" if f["precision"] is not None else "-"
        rules = ", ".join(f"{c} {n}" for c, n in f["counts"].items()) or "none"
        print(f"| {f['corpus']} | {f['files']} | {rules} | {f['default_on']} | {f['real']} | {f['noise']} | "
              f"{f['unjudged']} | {precision} | {len(f['lost_real'])} | {f['moved_real']} | {len(f['wrong_hints'])} |")
        for k in ("default_on", "real", "noise", "unjudged"):
            total[k] += f[k]
        total["lost"] += len(f["lost_real"])
        total["wrong"] += len(f["wrong_hints"])
        total["moved"] += f["moved_real"]
    judged_total = total["real"] + total["noise"]
    precision = f"{total['real'] / judged_total:.0%}" if judged_total else "-"
    print(f"| total | | | {total['default_on']} | {total['real']} | {total['noise']} | {total['unjudged']} | "
          f"{precision} | {total['lost']} | {total['moved']} | {total['wrong']} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(dump, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
