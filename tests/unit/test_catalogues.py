"""The message catalogues: every text translated, nothing fuzzy, nothing missing or stale."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from web.catalogues import LANGUAGES, extract, problems, read


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy_or_out_of_date(
    language: str, template: Catalog
) -> None:
    assert problems(language, template) == []


def test_the_english_catalogue_is_the_source_text() -> None:
    english = read("en")
    assert all(m.string == m.id for m in english if m.id)


def test_the_catalogues_hold_the_texts_of_the_pages(template: Catalog) -> None:
    ids = {m.id for m in template if m.id}
    assert "Skip to content" in ids and "Accessibility statement" in ids


def test_an_untranslated_or_fuzzy_message_is_reported(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web import catalogues

    monkeypatch.setattr(catalogues, "TRANSLATIONS", tmp_path)
    catalog = Catalog(locale="da")
    catalog.add("Untranslated", "")
    catalog.add("Fuzzy", "Uklar", flags=["fuzzy"])
    catalog.add("Hello %(name)s", "Hej %(navn)s", flags=["python-format"])
    catalogues.write("da", catalog)
    found = catalogues.problems("da")
    assert any("untranslated: 'Untranslated'" in p for p in found)
    assert any("fuzzy: 'Fuzzy'" in p for p in found)
    assert any("Hello %(name)s" in p for p in found)
