"""Which lines a text names ("chest of hope", "el numero del womens center", "linea nacinal"): the
names the table gives each line (menu phrases, short, neutral and organization names of two or more
words), found in a text's words with one typo forgiven in longer words. Plain Python."""
from __future__ import annotations

from rapidfuzz.distance import OSA

from ..table.model import Table
from ..text import tokens

TYPO_LENGTH = 5  # a word of a name this long also matches with one typo


class LineNames:
    """The names of one table's lines, indexed by their words."""

    def __init__(self, table: Table):
        """Gather every name of two or more words of each line that has a phone number, with the one
        language it is written in (None: the same in every language)."""
        spelled: dict[tuple[str, ...], dict[str, set[str]]] = {}  # name -> resource -> languages
        def add(resource: str | None, by_language) -> None:
            """Record the names of ``resource`` given per language."""
            if resource not in table.resources or not table.resources[resource].phone.startswith("+"):
                return
            for language, names in by_language.items():
                for name in [names] if isinstance(names, str) else names:
                    if len(tokens(name)) >= 2:
                        spelled.setdefault(tokens(name), {}).setdefault(resource, set()).add(language)
        for option in table.menu:
            add(option.resource, option.keywords)
        for resource in table.resources.values():
            add(resource.key, resource.short)
            add(resource.key, table.organizations[resource.organization].name
                if resource.organization in table.organizations else {})
            if table.discreet is not None:
                add(resource.key, table.discreet.names.get(resource.key, {}))
        every = set(table.languages)
        self.names: dict[tuple[str, ...], tuple[str, str | None]] = {}
        for name, by_resource in spelled.items():
            if len(by_resource) == 1:  # a name two lines share names neither
                (resource, languages), = by_resource.items()
                one = next(iter(languages)) if len(languages) == 1 and languages != every else None
                self.names[name] = (resource, one)
        self.by_word: dict[str, list[tuple[str, ...]]] = {}
        for name in self.names:
            for word in set(name):
                self.by_word.setdefault(word, []).append(name)

    def find(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
        """The lines named in ``words`` (in the order named) and the language of their names, if one."""
        found: dict[str, str | None] = {}
        for i, word in enumerate(words):
            for name in self.by_word.get(word, ()):
                start = i - name.index(word)
                if start >= 0 and _same(name, words[start : start + len(name)]):
                    resource, language = self.names[name]
                    found.setdefault(resource, language)
        languages = {language for language in found.values() if language}
        return tuple(found), languages.pop() if len(languages) == 1 else None


def _same(name: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """True when ``words`` spell ``name``, a longer word allowed one typo."""
    return len(words) == len(name) and all(
        a == b or (len(a) >= TYPO_LENGTH and OSA.distance(a, b) <= 1) for a, b in zip(name, words))
