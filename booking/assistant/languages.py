"""Which language an example phrasing is written in: Danish or English.

Rasa's training files keep one list of phrasings per intent whatever the language; the
administrators edit them per language, so the shipped phrasings are sorted on import by a small
word-list heuristic. A wrong guess only moves a phrasing to the other language's list: training
reads both lists alike.
"""

from __future__ import annotations

import re

from booking.assistant.annotations import plain_text

DANISH_LETTERS = re.compile(r"[æøå]")
WORD = re.compile(r"[a-zæøå']+")
DANISH_WORDS = frozenset(
    str.split(
        """
    af aflys aflyse aflysning alle andet at bare beklager booke booket bestille bruge da dag de
    den der det dig din du efter eller en er et fa faa farvel for fra gerne godt har hej hvad
    hvem hvilke hvilken hvis hvor hvordan hvornaar hvornar i ikke ja jeg jer jeres kan kl
    kommunen kunne man med mig min mit mod mode mulig naeste nej noget nu og om op paa pa
    rigtig se sig skal skriv snakke som tak til tid tider tirsdag torsdag ud vil vi ved vaere
        """
    )
)
ENGLISH_WORDS = frozenset(
    str.split(
        """
    a about am an and any are at be book bye can cancel could day do does for get go good have
    hello help hi how i in is it me meeting my need no not now of on one please see should so
    some thanks that the there this time to want was we what when where which who why will
    with would yes you your
        """
    )
)


def guess_language(example: str) -> str:
    """ "da" or "en" for an example phrasing; Danish when in doubt (the default language)."""
    text = plain_text(example).lower()
    if DANISH_LETTERS.search(text):
        return "da"
    words = WORD.findall(text)
    danish = sum(word in DANISH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return "en" if english > danish else "da"
