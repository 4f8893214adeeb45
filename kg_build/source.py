"""The article: numbered paragraphs, the stitched view, and an audit of its defects.

Paragraph N is the N-th non-blank line of the file (1-based), NFC-normalised. The file itself is
never changed; the "normalised view" of a split paragraph is its pieces joined with no separator.

>>> body = "这一段文字很长，说了一件事情，也说了另外一件事情。"
>>> art = Article.from_text("a", f"标题\\n\\n{body}\\n\\n{body}\\n")
>>> art.paragraphs[0], len(art.paragraphs)
('标题', 3)
>>> [(f.kind, f.paragraphs, f.of) for f in detect(art)]
[('exact-duplicate', (3,), (2,))]
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from kg_build.errors import FactError
from kg_build.facts import CATALOGUE_SECTIONS, Record, parse_yaml

__all__ = ["Article", "Finding", "read_article", "read_catalogue", "detect", "confirm", "CATALOGUE",
           "TERMINAL", "JOINING_DEFECTS"]

CATALOGUE = "sources/catalogue.yaml"

TERMINAL = tuple("。！？”…）】》；")
SUSPICIOUS_LABEL = re.compile(
    r"([\u4e00-\u9fff]{2,4})(\d+(?:\.\d+)?)(亿元|万元|元|万户|户|万张|张)[，、]\1(\d+(?:\.\d+)?)\3")
MIN_REPEAT = 8  # shortest phrase that counts as garbled repetition inside one paragraph
MIN_DUPLICATE = 20  # shortest paragraph that counts as a duplicate
MIN_SHARED_TAIL = 60  # shortest end shared word for word with an earlier paragraph that counts as a partial duplicate
# The defect kinds across which a quote may join paragraphs (the stitched view, Article.joined): the
# parts of a split paragraph, and a misplaced fragment read after the paragraph it ends ('of').
JOINING_DEFECTS = ("split-paragraph", "misplaced-fragment")


@dataclass(frozen=True)
class Article:
    """A source text split into numbered paragraphs."""

    key: str
    text: str
    paragraphs: tuple[str, ...]
    path: str = ""  # the file, relative to the project (sources/x.txt)
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)  # its catalogue record's fields

    @classmethod
    def from_text(cls, key: str, text: str, path: str = "", meta: Mapping[str, Any] | None = None) -> "Article":
        text = unicodedata.normalize("NFC", text)
        paras = tuple(line.strip() for line in text.splitlines() if line.strip())
        return cls(key, text, paras, path, dict(meta or {}))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def para(self, n: int) -> str:
        """Paragraph ``n`` (1-based)."""
        return self.paragraphs[n - 1]

    def joined(self, numbers: Iterable[int]) -> str:
        """The normalised view of paragraphs ``numbers``: their texts joined with no separator."""
        return "".join(self.para(n) for n in numbers)

    def has(self, n: int) -> bool:
        return 1 <= n <= len(self.paragraphs)


def read_article(path: Path, root: Path | None = None) -> Article:
    """Read a UTF-8 article file; its key is the file name without extension."""
    rel = path.relative_to(root).as_posix() if root else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FactError(rel, None, "source file not found", "copy the article into sources/") from None
    except UnicodeDecodeError as exc:
        raise FactError(rel, None, f"not UTF-8 ({exc.reason})", "save the article as UTF-8") from None
    return Article.from_text(path.stem, text, rel)


def read_catalogue(root: Path) -> dict[str, Article]:
    """Every article the catalogue (``sources/catalogue.yaml``) lists, read and checked, by id.

    The catalogue is the one list of the project's sources: an article file in ``sources/`` that it
    does not list, a listed file that is missing, and a ``sha256`` that does not match the file's
    bytes are errors with the catalogue's file and line.
    """
    path = root / CATALOGUE
    if not path.is_file():
        raise FactError(CATALOGUE, None, "the sources catalogue is missing",
                        "list each article of sources/ in sources/catalogue.yaml (see DESIGN.md, 'Sources')")
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise FactError(CATALOGUE, None, f"cannot be read ({exc})", "save it as UTF-8 text") from None
    articles: dict[str, Article] = {}
    records: dict[str, Record] = {}
    for rec in parse_yaml(CATALOGUE, text, CATALOGUE_SECTIONS):
        if rec.id in records:
            raise rec.error("id", f"article {rec.id!r} is listed twice (first at line {records[rec.id].line})",
                            "keep one entry per article")
        file = root / "sources" / rec["file"]
        if "/" in rec["file"] or not file.is_file():
            raise rec.error("file", f"article file sources/{rec['file']} not found",
                            "name a file in sources/ (the name only, e.g. x.txt)")
        if file.stem != rec.id:
            raise rec.error("id", f"article id {rec.id!r} is not its file's name ({rec['file']})",
                            f"write id: {file.stem} (the file name without .txt)")
        if rec.get("sha256") and hashlib.sha256(file.read_bytes()).hexdigest() != rec["sha256"]:
            raise rec.error("sha256", f"sources/{rec['file']} does not have the sha256 the catalogue records",
                            "restore the article from git (its text is kept byte for byte)")
        records[rec.id] = rec
        articles[rec.id] = read_article(file, root)
        object.__setattr__(articles[rec.id], "meta", dict(rec.data))
    listed = {r["file"] for r in records.values()}
    for file in sorted((root / "sources").glob("*.txt")):
        if file.name not in listed:
            raise FactError(CATALOGUE, None, f"sources/{file.name} is not in the catalogue",
                            f"add an entry with id: {file.stem} and file: {file.name}, or remove the file")
    return articles


@dataclass(frozen=True)
class Finding:
    """A defect of the source: found by a detector, by a curator, or both."""

    kind: str
    paragraphs: tuple[int, ...]
    of: tuple[int, ...] = ()
    evidence: str = ""
    note: str = ""


def _is_heading(text: str) -> bool:
    return "。" not in text and len(text) <= 45


def _is_body(text: str) -> bool:
    return len(text) > 45


def _unterminated(text: str) -> bool:
    """Ends with no closing punctuation (a dash-ended kicker and a photo credit "… 摄" are closed)."""
    return not text.endswith(TERMINAL) and not text.endswith(("——", " 摄"))


def _repeated_phrase(text: str) -> str | None:
    """The longest phrase of at least MIN_REPEAT characters found three times or more in ``text``."""
    best = None
    n = MIN_REPEAT
    while n <= len(text) // 3:
        counts = Counter(text[i:i + n] for i in range(len(text) - n + 1))
        hits = [g for g, c in counts.items() if c >= 3 and text.count(g) >= 3]
        if not hits:
            break
        best = min(hits)  # deterministic
        n += 1
    return best.strip("，、。；：") if best else None


def _shared_tail(a: str, b: str) -> str:
    """The longest end that ``a`` and ``b`` share word for word."""
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n:] if n else ""


def detect(article: Article) -> Iterator[Finding]:
    """What can be found in the text alone: duplicates, splits, truncations, garbling, odd labels."""
    paras = article.paragraphs
    first_seen: dict[str, int] = {}
    duplicates: set[int] = set()
    for i, text in enumerate(paras, 1):
        if len(text) >= MIN_DUPLICATE and text in first_seen:
            duplicates.add(i)
            yield Finding("exact-duplicate", (i,), (first_seen[text],), text[:20])
            continue
        first_seen.setdefault(text, i)
        if len(text) >= MIN_DUPLICATE:
            for j in range(1, i):
                window = paras[j - 1] + (paras[j] if j < i - 1 else "")
                if text in window and text != paras[j - 1]:
                    duplicates.add(i)
                    yield Finding("partial-duplicate", (i,), (j,) if text in paras[j - 1] else (j, j + 1),
                                  text[:20])
                    break
            else:
                for j in range(1, i):
                    tail = _shared_tail(text, paras[j - 1])
                    if len(tail) >= MIN_SHARED_TAIL:  # the paragraph ends as an earlier one does
                        yield Finding("partial-duplicate", (i,), (j,), tail[:20])
                        break
    for i, text in enumerate(paras, 1):
        if i in duplicates or i == len(paras) or not _unterminated(text):
            continue
        nxt = paras[i]
        body_break = _is_body(text) or (not _is_heading(text) or "，" in text)
        if not body_break or not _is_body(nxt) and not _is_heading(nxt):
            continue
        if (i + 1) in duplicates or _is_heading(nxt) and not _is_body(nxt):
            if _is_body(text):
                yield Finding("truncated-end", (i,), (), text[-10:])
        elif _is_body(nxt):
            yield Finding("split-paragraph", (i, i + 1), (), text[-5:] + nxt[:5])
    for i, text in enumerate(paras, 1):
        if i in duplicates:
            continue
        phrase = _repeated_phrase(text)
        if phrase:
            yield Finding("garbled", (i,), (), phrase)
        for m in SUSPICIOUS_LABEL.finditer(text):
            yield Finding("suspicious-label", (i,), (), m.group(0))


def confirm(finding: Finding, article: Article) -> str | None:
    """Why a curated defect does not hold in the text, or None when the text bears it out."""
    for n in finding.paragraphs + finding.of:
        if not article.has(n):
            return f"paragraph {n} does not exist (the article has {len(article.paragraphs)})"
    text = article.joined(finding.paragraphs)
    if finding.evidence and finding.evidence not in text:
        return f"evidence {finding.evidence!r} is not in paragraph(s) {list(finding.paragraphs)}"
    kind = finding.kind
    if kind == "exact-duplicate":
        if not finding.of or any(article.para(n) != article.para(finding.of[0]) for n in finding.paragraphs):
            return "the paragraphs are not word-for-word equal to the one named in 'of'"
    elif kind == "partial-duplicate":
        if not finding.of or not any(article.para(n) in article.joined(finding.of) or
                                     article.joined(finding.of) in article.para(n) or
                                     len(_shared_tail(article.para(n), article.joined(finding.of))) >= MIN_SHARED_TAIL
                                     and finding.evidence in article.joined(finding.of)
                                     for n in finding.paragraphs):
            return ("the paragraph is not contained in (nor contains) the paragraphs named in 'of', nor ends "
                    f"with at least {MIN_SHARED_TAIL} of their last characters")
    elif kind == "split-paragraph":
        first, *rest = finding.paragraphs
        if not rest or not _unterminated(article.para(first)):
            return "a split needs two paragraphs, the first ending without closing punctuation"
    elif kind == "truncated-end":
        if any(not _unterminated(article.para(n)) for n in finding.paragraphs):
            return "the paragraph ends with closing punctuation"
    elif kind == "truncated-start":
        if finding.evidence and not article.para(finding.paragraphs[0]).startswith(finding.evidence):
            return "the evidence must be the words the paragraph starts with"
    elif kind == "garbled":
        if not finding.evidence or text.count(finding.evidence) < 2:
            return "the evidence phrase must occur at least twice in the paragraph"
    elif kind == "suspicious-label":
        if not SUSPICIOUS_LABEL.search(finding.evidence or ""):
            return "the evidence must show one label before two different amounts"
    return None
