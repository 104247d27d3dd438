"""The template miner: puts each log message into a cluster whose template covers it.

A message is masked (masking.py) into tokens, then, in this order:

1. Covered: a template of the same length whose every token equals the message's or is
   `<*>` (or a partial one such as "action:<*>"). The most specific covering template
   wins, ties go to the oldest; the same rule runs after a restart, so restored templates
   send messages where they went before.
2. Stretched: a shorter template ending in `<*>` whose other tokens match the start of
   the message; that last `<*>` spans the message's remaining words (free text at the
   end, as error details are). Only a trailing `<*>` stretches.
3. Loose: a template that differs only where the message has `<*>` (a value the template
   still shows as a word) generalizes to take it, if it keeps most of its words.
4. A message ending in `<*>` whose start matches longer templates generalizes them.
5. Siblings: when the message differs from existing templates by one word at the same
   place, and that place has now shown three distinct words (a user name, a host, a
   state), those templates become one with `<*>` there. Two distinct words are not
   enough ("logged in" and "logged out" stay apart), and the first word of a message
   never becomes a variable this way: it names the event ("tickTime set to").
6. Otherwise the message starts a new cluster.

Whenever a template generalizes, every other template it now covers merges into the
oldest of them, which keeps its key; the GroupMatch names the absorbed keys.

Messages are compared only with templates that share a word with them at the same place
(an index), and a digit-zeroed copy of each message is memoized, so a repeat costs one
dict lookup. Memory is bounded: past `max_clusters` the least recently used tenth of the
clusters is dropped (their keys live on in the caller's store).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from logs.grouping.masking import WILDCARD, digits_zeroed, mask_zeroed

# A word position becomes `<*>` once this many distinct words were seen there while the
# rest of the message stayed the same. Two is the common enum (in/out, begin/end).
DISTINCT_WORDS_FOR_VARIABLE = 3
# A skeleton must keep at least this many words to be worth a template: "<*> failed"
# from "disk failed", "fan failed", "link failed" would say nothing.
MIN_WORDS_IN_MERGED_TEMPLATE = 2
# A `<*>` may span several words only in a template with at least this many other words.
MIN_WORDS_FOR_STRETCH = 2
# Memory bound: past this many clusters the least recently used tenth is dropped.
MAX_CLUSTERS = 20_000
# Memo of digit-zeroed message -> cluster; cleared when full.
MAX_ROUTES = 100_000


def template_key(template: str) -> str:
    """16 hex characters that name a template; a cluster keeps its first template's key."""
    return hashlib.blake2b(template.encode(), digest_size=8).hexdigest()


# A cluster is an entity owned by the miner: it compares (and hashes) by identity.
@dataclass(eq=False)
class Cluster:
    key: str
    template: str
    size: int = 0
    _tokens: tuple[str, ...] = field(default=(), repr=False)
    _order: int = field(default=0, repr=False)
    _last_used: int = field(default=0, repr=False)
    _absorbed_by: Cluster | None = field(default=None, repr=False)
    _evicted: bool = field(default=False, repr=False)
    _plain_match: GroupMatch | None = field(default=None, repr=False)


@dataclass(frozen=True)
class GroupMatch:
    cluster: Cluster
    created: bool
    template_changed: bool
    merged: tuple[str, ...] = ()


class TemplateMiner:
    def __init__(
        self,
        *,
        max_clusters: int = MAX_CLUSTERS,
        distinct_words_for_variable: int = DISTINCT_WORDS_FOR_VARIABLE,
    ) -> None:
        self.max_clusters = max_clusters
        self.distinct_words_for_variable = distinct_words_for_variable
        # Candidate lists, so a message is compared with the few templates that share a
        # word with it at the same place, not with all of them. Keys: (length, place, word)
        # with (length, -1, "<*>") for templates without words; (place, word) any length.
        self._by_place: dict[tuple[int, int, str], list[Cluster]] = {}
        self._by_start: dict[tuple[int, str], list[Cluster]] = {}
        self._by_tokens: dict[tuple[str, ...], Cluster] = {}
        self._by_key: dict[str, Cluster] = {}
        self._routes: dict[str, Cluster] = {}
        self._clock = 0
        self._next_order = 0

    def clusters(self) -> Iterable[Cluster]:
        return list(self._by_key.values())

    def add(self, message: str) -> GroupMatch:
        self._clock += 1
        zeroed = digits_zeroed(message)
        cluster = self._routes.get(zeroed)
        if cluster is not None:
            while cluster._absorbed_by is not None:
                cluster = cluster._absorbed_by
            if not cluster._evicted:
                return self._plain(cluster)
        match = self._place(mask_zeroed(zeroed))
        if len(self._routes) >= MAX_ROUTES:
            self._routes.clear()
        self._routes[zeroed] = match.cluster
        return match

    def restore(self, template: str, key: str) -> Cluster:
        """A cluster for a stored template under its stored key; later messages may match it.

        The template's tokens are taken as stored, not masked again: masking would merge
        the neighbouring wildcards a generalized template can have ("for <*> <*> in"),
        and the restored cluster would no longer match the messages that made it.
        """
        tokens = tuple(template.split(" "))
        existing = self._by_key.get(key)
        if existing is not None:
            self._forget(existing)
            existing._evicted = True
        cluster = self._new_cluster(tokens, key)
        cluster.size = 0
        return cluster

    def discard(self, key: str) -> None:
        """Drop a cluster, e.g. one whose pattern another process merged away."""
        cluster = self._by_key.get(key)
        if cluster is not None:
            self._forget(cluster)
            cluster._evicted = True

    # --- placing one masked message ---------------------------------------------------

    def _plain(self, cluster: Cluster) -> GroupMatch:
        cluster.size += 1
        cluster._last_used = self._clock
        match = cluster._plain_match
        if match is None:
            match = cluster._plain_match = GroupMatch(cluster, False, False)
        return match

    def _place(self, tokens: tuple[str, ...]) -> GroupMatch:
        exact = self._by_tokens.get(tokens)
        if exact is not None:
            return self._plain(exact)
        covering: Cluster | None = None
        loose: Cluster | None = None
        # position -> clusters that differ from the message only by the word there
        siblings: dict[int, list[Cluster]] = {}
        for cluster in self._same_length_candidates(tokens):
            loosened = False
            wider = False
            differs_at = -1
            for index, (known, seen) in enumerate(zip(cluster._tokens, tokens, strict=True)):
                if known == seen:
                    continue
                if known == WILDCARD or (WILDCARD in known and _fits(known, seen)):
                    wider = True
                elif seen == WILDCARD:
                    loosened = True
                elif differs_at < 0:
                    differs_at = index
                else:
                    differs_at = -2
                    break
            if differs_at == -1:
                if loosened:
                    loose = _better(loose, cluster)
                else:
                    covering = _better(covering, cluster)
            elif differs_at >= 0 and not loosened and not wider:
                siblings.setdefault(differs_at, []).append(cluster)
        if covering is not None:
            return self._plain(covering)
        stretched = self._stretch_covering(tokens)
        if stretched is not None:
            return self._plain(stretched)
        if loose is not None:
            general = tuple(
                WILDCARD if seen == WILDCARD else known
                for known, seen in zip(loose._tokens, tokens, strict=True)
            )
            # A template may lose a word to a value, but not most of its words: "flush"
            # and "12345" are not one event.
            if _words(general) >= max(1, _words(loose._tokens) - _words(general)):
                return self._generalized(loose, general)
        if tokens and tokens[-1] == WILDCARD:
            covered = self._stretch_covered(tokens)
            if covered:
                return self._generalized(min(covered, key=_age), tokens)
        for position, family in sorted(siblings.items(), key=lambda item: (-len(item[1]), item[0])):
            # The first word names the event ("tickTime set to", "cupsd startup succeeded");
            # values that lead a message have the shape of one (an address, a path).
            if position == 0:
                continue
            if len(family) + 1 < self.distinct_words_for_variable:
                break
            values = [cluster._tokens[position] for cluster in family] + [tokens[position]]
            shape = _common_shape(values)
            skeleton = (*tokens[:position], shape, *tokens[position + 1 :])
            if _words(skeleton) >= MIN_WORDS_IN_MERGED_TEMPLATE:
                return self._generalized(min(family, key=_age), skeleton)
            break
        cluster = self._new_cluster(tokens, template_key(" ".join(tokens)))
        cluster.size = 1
        cluster._last_used = self._clock
        if len(self._by_key) > self.max_clusters:
            self._evict_least_used()
        return GroupMatch(cluster, True, False)

    def _same_length_candidates(self, tokens: tuple[str, ...]) -> Iterable[Cluster]:
        # A template that covers, loosely matches or differs by one word from the message
        # shares at least one word with it at the same place (merged templates keep two).
        length = len(tokens)
        found = dict.fromkeys(self._by_place.get((length, -1, WILDCARD), ()))
        for place, token in enumerate(tokens):
            if WILDCARD not in token:
                found.update(dict.fromkeys(self._by_place.get((length, place, token), ())))
        return found

    def _longer_or_shorter(self, tokens: tuple[str, ...]) -> Iterable[Cluster]:
        """Templates of another length that share the message's first word at its place."""
        for place, token in enumerate(tokens):
            if WILDCARD not in token:
                return self._by_start.get((place, token), ())
        return ()

    def _stretch_covering(self, tokens: tuple[str, ...]) -> Cluster | None:
        """The best shorter template whose last `<*>` spans several words of the message."""
        best: Cluster | None = None
        for cluster in self._longer_or_shorter(tokens[:-1]):
            if len(cluster._tokens) < len(tokens) and _stretch_covers(cluster._tokens, tokens):
                best = _better(best, cluster)
        return best

    def _stretch_covered(self, tokens: tuple[str, ...]) -> list[Cluster]:
        """Longer templates that `tokens`, its last `<*>` spanning several words, covers."""
        return [
            cluster
            for cluster in self._longer_or_shorter(tokens[:-1])
            if len(cluster._tokens) > len(tokens) and _stretch_covers(tokens, cluster._tokens)
        ]

    def _generalized(self, cluster: Cluster, tokens: tuple[str, ...]) -> GroupMatch:
        """The message joins `cluster`, whose template becomes `tokens`; covered ones merge."""
        covered = [
            other
            for other in self._same_length_candidates(tokens)
            if other is not cluster and _covers(tokens, other._tokens)
        ]
        if tokens and tokens[-1] == WILDCARD:
            covered += [other for other in self._stretch_covered(tokens) if other is not cluster]
        survivor = min([cluster, *covered], key=_age)
        merged = []
        for other in [cluster, *covered]:
            if other is not survivor:
                self._forget(other)
                other._absorbed_by = survivor
                survivor.size += other.size
                merged.append(other.key)
        self._retemplate(survivor, tokens)
        survivor.size += 1
        survivor._last_used = self._clock
        return GroupMatch(survivor, False, True, tuple(sorted(merged)))

    # --- bookkeeping -------------------------------------------------------------------

    def _new_cluster(self, tokens: tuple[str, ...], key: str) -> Cluster:
        cluster = Cluster(key=key, template=" ".join(tokens))
        cluster._tokens = tokens
        cluster._order = self._next_order
        self._next_order += 1
        self._index(cluster)
        self._by_key[key] = cluster
        return cluster

    def _retemplate(self, cluster: Cluster, tokens: tuple[str, ...]) -> None:
        self._unindex(cluster)
        cluster._tokens = tokens
        cluster.template = " ".join(tokens)
        self._index(cluster)

    def _forget(self, cluster: Cluster) -> None:
        self._unindex(cluster)
        if self._by_key.get(cluster.key) is cluster:
            del self._by_key[cluster.key]

    def _index_lists(self, tokens: tuple[str, ...]) -> list[list[Cluster]]:
        length = len(tokens)
        places = [(place, token) for place, token in enumerate(tokens) if WILDCARD not in token]
        lists = [self._by_place.setdefault((length, place, token), []) for place, token in places]
        if not places:
            lists.append(self._by_place.setdefault((length, -1, WILDCARD), []))
        lists += [self._by_start.setdefault(place_token, []) for place_token in places]
        return lists

    def _index(self, cluster: Cluster) -> None:
        for group in self._index_lists(cluster._tokens):
            group.append(cluster)
            if len(group) > 1 and group[-2]._order > cluster._order:
                group.sort(key=_age)
        self._by_tokens.setdefault(cluster._tokens, cluster)

    def _unindex(self, cluster: Cluster) -> None:
        for group in self._index_lists(cluster._tokens):
            group.remove(cluster)
        if self._by_tokens.get(cluster._tokens) is cluster:
            del self._by_tokens[cluster._tokens]

    def _evict_least_used(self) -> None:
        # Unbounded input (a flood of unique garbage) must not grow memory without limit.
        # Dropped clusters stay in the caller's store; a message of the same shape later
        # makes a new cluster, under the same key when the template never generalized.
        by_use = sorted(self._by_key.values(), key=lambda cluster: cluster._last_used)
        for cluster in by_use[: max(1, len(by_use) // 10)]:
            self._forget(cluster)
            cluster._evicted = True
        self._routes.clear()


def _bucket(token: str) -> str:
    return WILDCARD if WILDCARD in token else token


def _age(cluster: Cluster) -> int:
    return cluster._order


def _words(tokens: tuple[str, ...]) -> int:
    return sum(token != WILDCARD for token in tokens)


def _better(best: Cluster | None, candidate: Cluster) -> Cluster:
    """The more specific of two matching clusters; the older one when they tie."""
    if best is None:
        return candidate
    best_words, candidate_words = _words(best._tokens), _words(candidate._tokens)
    if candidate_words != best_words:
        return candidate if candidate_words > best_words else best
    return candidate if candidate._order < best._order else best


def _fits(known: str, seen: str) -> bool:
    """Whether `seen` fills a token template such as "action:<*>" or "(<*>)"."""
    before, _, after = known.partition(WILDCARD)
    return (
        len(seen) > len(before) + len(after)
        and seen.startswith(before)
        and seen.endswith(after)
        and WILDCARD not in after
    )


def _token_covers(known: str, seen: str) -> bool:
    return known in (seen, WILDCARD) or (WILDCARD in known and _fits(known, seen))


def _covers(general: tuple[str, ...], specific: tuple[str, ...]) -> bool:
    return all(map(_token_covers, general, specific))


def covers(general: tuple[str, ...], specific: tuple[str, ...]) -> bool:
    """Whether template tokens `general` cover masked tokens `specific`, as a covering or
    stretching template does (steps 1 and 2 above)."""
    if len(general) == len(specific):
        return _covers(general, specific)
    return _stretch_covers(general, specific)


def _stretch_covers(general: tuple[str, ...], specific: tuple[str, ...]) -> bool:
    """Whether `general`, ending in `<*>`, covers the longer `specific` with that `<*>`
    spanning its last several words: "Wake reason: <*>" covers "Wake reason: RTC (Alarm)".

    Only a trailing `<*>` stretches (free text at the end of a message, as error details
    are); one in the middle would swallow words that tell events apart."""
    if len(specific) <= len(general) or general[-1] != WILDCARD:
        return False
    head = general[:-1]
    return len(head) >= MIN_WORDS_FOR_STRETCH and _covers(head, specific[: len(head)])


def _common_shape(values: list[str]) -> str:
    """`<*>` for the place where the values differ, keeping what they share around it:
    "action:SCREEN_ON" and "action:TIME_TICK" give "action:<*>"."""
    first = values[0]
    prefix = min(_shared_prefix(first, value) for value in values)
    suffix = min(_shared_prefix(first[::-1], value[::-1]) for value in values)
    # Cut back to punctuation: "action:" is shared text, the "S" of "SCREEN", "SLEEP" is not.
    while prefix and first[prefix - 1].isalnum():
        prefix -= 1
    while suffix and first[len(first) - suffix].isalnum():
        suffix -= 1
    if prefix + suffix >= min(len(value) for value in values):
        return WILDCARD
    return f"{first[:prefix]}{WILDCARD}{first[len(first) - suffix :]}"


def _shared_prefix(one: str, other: str) -> int:
    size = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        size += 1
    return size
