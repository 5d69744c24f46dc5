"""MkDocs hooks: checks that mkdocs itself does not make.

- The links of the Markdown files at the repository root. README.md,
  CONTRIBUTING.md, CHANGELOG.md and RELEASE.md are read on the repository's
  page rather than on the site, so mkdocs never sees them; their links into
  docs/ break as easily as the site's own. Each relative link must name a
  file of the repository, and an anchor must name a heading of the Markdown
  file it points into.
- The settings page against schema/*.json: under the heading of each plugin
  (`## Terminals` for schema/terminals.json), a table row for every setting
  the schema defines, and for no other.

A problem is a warning, which --strict turns into a failed build.
"""

import json
import logging
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger("mkdocs.hooks.docs_hooks")

ROOT_FILES = ("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "RELEASE.md")
SETTINGS_PAGE = "settings.md"

FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
SECTION = re.compile(r"^## (.+)$", re.M)
SETTING_ROW = re.compile(r"^\| `(\w+)` +\|", re.M)


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


def settings_problems(markdown, schema_dir):
    """What the settings page leaves out of, or adds to, the plugins' schemas."""
    parts = SECTION.split(markdown)
    documented = {
        heading.strip().lower(): set(SETTING_ROW.findall(body))
        for heading, body in zip(parts[1::2], parts[2::2])
    }
    for schema_file in sorted(schema_dir.glob("*.json")):
        plugin = schema_file.stem
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        defined = set(schema.get("properties", {}))
        if plugin not in documented:
            yield f"has no section for schema/{schema_file.name}"
            continue
        for name in sorted(defined - documented[plugin]):
            yield f"does not document {name} of schema/{schema_file.name}"
        for name in sorted(documented[plugin] - defined):
            yield f"documents {name}, which schema/{schema_file.name} does not define"


def on_page_markdown(markdown, page, config, **kwargs):
    if page.file.src_uri == SETTINGS_PAGE:
        schema_dir = Path(config["config_file_path"]).resolve().parent / "schema"
        for problem in settings_problems(markdown, schema_dir):
            log.warning("%s %s", SETTINGS_PAGE, problem)
    return markdown
