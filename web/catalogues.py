"""The message catalogues' upkeep: extract, update, fill English, and check (no Flask here).

`python -m web.catalogues update` (run by `make translations-update`) extracts every marked
text from booking/ and web/ (babel.cfg), adds new message ids to each language's `.po`, drops
the ones no longer used, fills the English catalogue (msgstr = msgid) and keeps the Danish
translations. `python -m web.catalogues check` lists what is untranslated, fuzzy or out of date.
Files are written sorted, without source locations and with fixed header dates, so that
branches adding different texts merge without conflicts in unrelated lines.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "web" / "translations"
LANGUAGES = ("da", "en")
SOURCE_LANGUAGE = "en"
# `translate(language, msgid, ...)` in booking.i18n takes the message as its second argument.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
    "translate": (2,),
}
FIXED_DATE = datetime(2026, 1, 1)


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def _in_sources(dirpath: str) -> bool:
    relative = Path(dirpath).relative_to(ROOT).parts
    return not relative or (relative[0] in ("booking", "web") and "__pycache__" not in relative)


def extract() -> Catalog:
    """Every marked text in booking/ and web/ (as babel.cfg maps them) as a template."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="Borgerbooking", charset="utf-8")
    found = extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True,
        directory_filter=_in_sources,
    )  # fmt: skip
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="Borgerbooking", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def write(language: str, catalog: Catalog) -> None:
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.project, catalog.version = "Borgerbooking", "1"
    catalog.fuzzy = False
    catalog.last_translator = catalog.language_team = "Borgerbooking"
    catalog.msgid_bugs_address = ""
    catalog.header_comment = (
        f"# Borgerbooking's texts in {language!r}. msgid is the English source text.\n"
        "# Written by `make translations-update`: translate each msgstr (da), never edit en."
    )
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, no_location=True, sort_output=True, omit_header=False)


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        write(language, catalog)


def problems(language: str, template: Catalog | None = None) -> list[str]:
    """What is wrong with `language`'s catalogue: untranslated, fuzzy, bad placeholders, stale."""
    catalog = read(language)
    found: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"{language}: untranslated: {message.id!r}")
        if message.fuzzy:
            found.append(f"{language}: fuzzy: {message.id!r}")
    for message, errors in catalog.check():
        found += [f"{language}: {error}: {message.id!r}" for error in errors]
    if template is not None:
        ids = {m.id for m in catalog if m.id}
        wanted = {m.id for m in template if m.id}
        hint = "(run make translations-update)"
        found += [f"{language}: missing {hint}: {i!r}" for i in wanted - ids]
        found += [f"{language}: no longer used {hint}: {i!r}" for i in ids - wanted]
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
        return 0
    if command == "check":
        template = extract()
        found = [p for language in LANGUAGES for p in problems(language, template)]
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    print("usage: python -m web.catalogues update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
