"""The article: kept verbatim, numbered, and audited for the defects its README describes."""

from __future__ import annotations

import hashlib

from kg_build.build import audit, defect_finding, load_project
from kg_build.source import Article, Finding, confirm, detect, read_article

SHA256 = "add4058bfb84465ba9abea52ecc8f526ba78a96bf94eee477205c0c9ed75b9f6"  # shared/sources/README.md


def test_the_article_is_kept_byte_for_byte(project_root):
    data = (project_root / "sources" / "zhaotong-education-2025.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256


def test_paragraph_numbering_is_the_non_blank_lines(project_root):
    art = read_article(project_root / "sources" / "zhaotong-education-2025.txt")
    assert len(art.paragraphs) == 57
    assert art.para(2) == "教育高质量发展交出新答卷"
    assert art.para(15).startswith("资2.35亿元")
    assert art.joined([14, 15]).count("投资2.35亿元") == 1


def _found(article) -> set[tuple[str, tuple[int, ...]]]:
    return {(f.kind, f.paragraphs) for f in detect(article)}


def test_detectors_find_the_defects_the_source_readme_lists(project_root):
    art = read_article(project_root / "sources" / "zhaotong-education-2025.txt")
    found = _found(art)
    for dup, of in [(17, 15), (18, 16), (37, 34), (38, 35), (49, 47), (50, 48), (54, 53)]:
        assert ("exact-duplicate", (dup,)) in found
    assert ("partial-duplicate", (36,)) in found
    assert ("split-paragraph", (14, 15)) in found
    assert ("split-paragraph", (24, 25)) in found
    assert ("truncated-end", (53,)) in found
    assert ("truncated-end", (45,)) in found
    garbled = [f for f in detect(art) if f.kind == "garbled"]
    assert [(f.paragraphs, f.evidence) for f in garbled] == [((21,), "入托管人遴选安全全方位守护模式")]
    labels = {f.evidence for f in detect(art) if f.kind == "suspicious-label"}
    assert labels == {"授信60.26亿元，授信21.19亿元", "授信10.33亿元，授信7.98亿元"}


def test_detectors_do_not_flag_clean_text():
    body = "昭通市深入实施教育高质量发展三年行动，补齐教育短板，深化办学改革，提升教育质量，推动教育高质量发展迈上新台阶。"
    art = Article.from_text("clean", f"补齐短板弱项\n\n{body}\n\n图为学生在上课。本报通讯员 某某 摄\n")
    assert list(detect(art)) == []


def test_every_detected_defect_is_curated_and_every_curated_one_holds(project_root):
    project = load_project(project_root)
    for key, result in audit(project).items():
        assert result.uncurated == [], key
        assert len(result.curated) >= len(result.detected)
        for rec in result.curated:
            assert confirm(defect_finding(rec), project.articles[key]) is None, rec.id


def test_confirm_rejects_a_false_duplicate(project_root):
    art = read_article(project_root / "sources" / "zhaotong-education-2025.txt")
    assert confirm(Finding("exact-duplicate", (16,), (15,), "结合城镇化"), art) is not None
    assert confirm(Finding("exact-duplicate", (17,), (15,), "资2.35亿元"), art) is None
    assert confirm(Finding("garbled", (9,), (), "昭通市"), art) is not None
