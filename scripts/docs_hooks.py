"""MkDocs hooks: check the links of the Markdown files at the repository root.

README.md, CONTRIBUTING.md, CHANGELOG.md and RELEASE.md are read on the
repository's page rather than on the site, so mkdocs never sees them; their
links into docs/ break as easily as the site's own. Each relative link must
name a file of the repository, and an anchor must name a heading of the
Markdown file it points into. A broken one is a warning, which --strict turns
into a failed build.
"""

import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger("mkdocs.hooks.root_links")

ROOT_FILES = ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "RELEASE.md")

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def github_slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped."""
    text = unicodedata.normalize("NFKC", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {github_slug(h) for h in HEADING.findall(text)}


def broken_links(root, name):
    """The relative links of one root file that lead nowhere, with why."""
    source = root / name
    text = INLINE_CODE.sub("", FENCE.sub("", source.read_text(encoding="utf-8")))
    for target in LINK.findall(text):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:
            continue
        path = (source.parent / unquote(parts.path)).resolve() if parts.path else source
        if root not in path.parents and path != root:
            yield target, "leads out of the repository"
        elif not path.exists():
            yield target, "names no file"
        elif parts.fragment and path.suffix == ".md":
            if parts.fragment not in anchors(path):
                yield target, f"names no heading of {path.relative_to(root)}"


def on_post_build(config, **kwargs):
    root = Path(config["config_file_path"]).resolve().parent
    for name in ROOT_FILES:
        if (root / name).exists():
            for target, why in broken_links(root, name):
                log.warning("%s: the link %r %s", name, target, why)
