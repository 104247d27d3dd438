"""Operators' corrections of grouping, applied to each message before the miner sees it.

A merge sends the messages of one template (the absorbed pattern's) to another pattern. A
split gives each value of one `<*>` of a template its own pattern, or only one value (a
`<*>` turned back into literal text); messages with any other value go on to the miner.
A correction takes the messages its template covers as the miner's would (word for word,
a trailing `<*>` spanning the rest); the newest that takes a message decides. Messages a
correction takes never reach the miner, which so cannot generalize them back into the
template an operator split.

A template's "places" are its tokens that hold a `<*>` ("<*>", "action:<*>", "(<*>)"),
numbered from 0. template_values() finds each place's text in a raw message by walking
its words once: literal tokens must appear as whole words, in order; a place spans the
words up to the next literal one (a timestamp, "850 KB", free text at the end).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from logs.grouping.masking import WILDCARD, digits_zeroed, mask_zeroed
from logs.grouping.miner import Cluster, GroupMatch, covers, template_key

# A split by every value gives at most this many values a pattern of their own: a place
# that holds request ids would otherwise make a pattern per request. Further values stay
# in the pattern that was split.
SPLIT_VALUES_MAX = 100
# Longest value shown in a split pattern's template; its key covers the whole value.
SPLIT_VALUE_SHOWN = 200
# Memo of digit-zeroed message -> the correction that takes it (literal words have no
# digits, so the zeroed message matches the same corrections); cleared when full.
MAX_ROUTES = 100_000


def template_places(template: str) -> list[int]:
    """Token indexes of the template's places (tokens that hold a `<*>`)."""
    return [index for index, token in enumerate(template.split(" ")) if WILDCARD in token]


def template_values(tokens: Sequence[str], message: str) -> list[str] | None:
    """The text of each place of `tokens` in `message`, or None if the template does not
    match it. Linear in the message's words: each is looked at a bounded number of times."""
    words = message.split()
    count = len(words)
    if count == len(tokens):
        # Word for word, the common case: each place is one word.
        values = []
        for token, word in zip(tokens, words, strict=True):
            if token == word:
                continue
            if token == WILDCARD:
                values.append(word)
                continue
            if WILDCARD not in token:
                break
            before, _, after = token.partition(WILDCARD)
            if WILDCARD in after or not _closes(words, 0, 0, before, after, word):
                break
            values.append(word[len(before) : len(word) - len(after)])
        else:
            return values
    values = []
    at = 0
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        if token == WILDCARD:
            if at >= count:
                return None
            if index == last:
                end = count
            else:
                following = tokens[index + 1]
                if WILDCARD in following:
                    end = at + 1  # "<*> <*>": one word each, the last one spans
                else:
                    end = _find(words, following, at + 1)
                    if end < 0:
                        return None
            values.append(" ".join(words[at:end]))
            at = end
        elif WILDCARD in token:
            before, _, rest = token.partition(WILDCARD)
            after = rest.rpartition(WILDCARD)[2] if WILDCARD in rest else rest
            if at >= count or not words[at].startswith(before):
                return None
            end = at
            # A quoted value can hold spaces: "key='a b'" is two words for one place.
            while not _closes(words, at, end, before, after):
                end += 1
                if end >= count or (index == last and end == count):
                    return None
            text = " ".join(words[at : end + 1])
            values.append(text[len(before) : len(text) - len(after)])
            at = end + 1
        else:
            if at >= count or words[at] != token:
                return None
            at += 1
    return values if at == count else None


def _find(words: list[str], word: str, start: int) -> int:
    try:
        return words.index(word, start)
    except ValueError:
        return -1


def _closes(
    words: list[str], start: int, end: int, before: str, after: str, word: str = ""
) -> bool:
    if word:  # one word, which must hold the whole token
        return (
            word.startswith(before)
            and word.endswith(after)
            and len(word) > len(before) + len(after)
        )
    word = words[end]
    if not word.endswith(after):
        return False
    return end > start or len(word) > len(before) + len(after)


def template_with_value(template: str, place: int, value: str) -> str:
    """The template with one place filled in: what a split pattern is named by."""
    tokens = template.split(" ")
    index = template_places(template)[place]
    shown = value if len(value) <= SPLIT_VALUE_SHOWN else value[: SPLIT_VALUE_SHOWN - 1] + "…"
    tokens[index] = tokens[index].replace(WILDCARD, " ".join(shown.split()), 1)
    return " ".join(tokens)


def split_key(rule_id: int, value: str) -> str:
    """The key of the pattern a split rule gives a value: the same in every process."""
    return template_key(f"split {rule_id} {value}")


@dataclass(frozen=True, slots=True)
class Correction:
    """One active rule. A merge has `key`: the absorbed pattern's, which leads to the
    survivor. A split has `place` and, to split off only one value, `value`."""

    rule_id: int
    template: str
    key: str = ""
    place: int | None = None
    value: str | None = None

    @property
    def is_split(self) -> bool:
        return self.place is not None


class Corrections:
    """The active corrections, newest first, and where each message goes by them."""

    def __init__(self, corrections: Sequence[Correction] = ()) -> None:
        self.corrections = sorted(corrections, key=lambda c: c.rule_id, reverse=True)
        self._tokens = [tuple(c.template.split(" ")) for c in self.corrections]
        self._places = [template_places(c.template) for c in self.corrections]
        self._routes: dict[str, tuple[int, ...]] = {}
        self._matches: dict[str, GroupMatch] = {}

    def __bool__(self) -> bool:
        return bool(self.corrections)

    def route(self, message: str) -> tuple[Correction, str | None] | None:
        """The correction that takes the message and, for a split, its value there."""
        zeroed = digits_zeroed(message)
        candidates = self._routes.get(zeroed)
        if candidates is None:
            masked = mask_zeroed(zeroed)
            candidates = tuple(
                index for index, tokens in enumerate(self._tokens) if covers(tokens, masked)
            )
            if len(self._routes) >= MAX_ROUTES:
                self._routes.clear()
            self._routes[zeroed] = candidates
        for index in candidates:
            correction = self.corrections[index]
            if not correction.is_split:
                return correction, None
            values = template_values(self._tokens[index], message)
            if values is None:  # digits told apart what the zeroed message could not
                continue
            value = values[correction.place]
            if correction.value is None or value == correction.value:
                return correction, value
        return None

    def match(self, correction: Correction, value: str | None) -> GroupMatch:
        """A GroupMatch for a message a correction takes: its cluster is the pattern's key
        and template, outside the miner."""
        if value is None:
            key, template = correction.key, correction.template
        else:
            key = split_key(correction.rule_id, value)
            template = ""
        match = self._matches.get(key)
        if match is None:
            if value is not None:
                template = template_with_value(correction.template, correction.place, value)
            match = GroupMatch(Cluster(key=key, template=template), False, False)
            if len(self._matches) >= MAX_ROUTES:
                self._matches.clear()
            self._matches[key] = match
        return match
