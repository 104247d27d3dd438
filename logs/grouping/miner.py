"""The template miner: puts each log message into a cluster whose template covers it.

A message is masked (masking.py) into tokens, then, in this order:

1. Covered: a template of the same length whose every token equals the message's or is
   `<*>` (or a partial one such as "action:<*>" or "/products/<*>?<*>"). The most
   specific covering template wins, ties go to the oldest; the same rule runs after a
   restart, so restored templates send messages where they went before.
2. Spanned: a shorter template one of whose `<*>` holds several words of the message. Only
   some do (see `_spans`): the last one (free text at the end, as error details are, but
   not a clause after its value's own colon unless a label asks for text: "via <*>" does
   not take "via 10.0.0.1: no free leases"), one that follows a label ("raised: <*> on",
   "Client: <*>,"), a last one with its key or closing mark ("application_name=<*>",
   "client <*>.", 'host: "<*>"', which takes optional fields after it: 'host: "a",
   referrer: "b"'), each after two words that name the event; one between two words, for
   up to three capitalized words (a name), or a word and a value in either order ("user
   <*> port" takes "user deploy 10.0.0.9 port", as masking writes "ec2-user 10.0.0.9", two
   values, as one; "operation <*> on" takes "operation X locally on"); and any other
   before a word, for a value with its aside in brackets, which a producer prints when it
   has one ("to <*> via" takes "to aa:bb:cc:dd:ee:ff (laptop7) via").
3. Loose: a template that differs only where the message has `<*>` (a value the template
   still shows as a word, or '"-"' where the message has '"<*>"') generalizes to take
   it, if it keeps most of its words and its words stay in step.
4. A message with `<*>` that covers longer templates (its `<*>` spanning) generalizes them.
   Failing that, a template that covers the message but for one labelled field between
   two others, one tag in square brackets among those that lead it, one aside in round
   brackets after a value (with the comma that ends its clause, which stays: "from <*>
   (https), relayed" and "from <*>, relayed"; not a list of values, "(DoT, <*> bytes),"),
   one value between two lower-case words, or one value between two like separators,
   takes it as it is: a producer prints such a part when it has one
   ("peername: <*>, username: <*>, topic: <*>" and "peername: <*>, topic: <*>"; "[pid
   <*>] [ftpuser] FTP command" and "[pid <*>] FTP command"; "H=<*> (ylmf-pc) [<*>" and
   "H=<*> [<*>"; "block <*> syntax error" and "block syntax error"; 'cid:<*> - "<*>" -
   Client' and "cid:<*> - Client").
5. Siblings: when the message differs from existing templates by one word at the same
   place, and that place has now shown three distinct words (a user name, a host, a
   state), those templates become one with `<*>` there. Two distinct words are not
   enough ("logged in" and "logged out" stay apart), except after a label: "target:
   disk" and "target: replicas" are one field's two values (as are TRUE and FALSE), but
   "agent: Synced" and "agent: Deregistered" are two events (a logger's name leads
   them). The first word of a message never becomes a variable this way: it names the
   event ("tickTime set to"), unless it is a tag in brackets, which names who speaks
   ("[sshd] Ban <*>", "(root) CMD"; but tags of several words with one first word, "[UFW
   BLOCK]" and "[UFW ALLOW]", are one speaker's words for what it did), or a module with
   what it serves ("pam_sss(<*>:auth):"); nor does a capitalized word after the tags
   that lead a line ("[info] Started flows", "[info] Stopping flows", "(root) CMDEND");
   nor does a place in code ("virDomainCreate:<*>", "server.go:<*>]"), which names the
   statement, nor the first word of a logfmt line's message ('msg="StartContainer'), nor
   a label in capitals ("OK DELETE:", "OK MKDIR:": what was done) or the kind a topic
   ends in ("tele/<*>/STATE", "stat/<*>/RESULT"), nor a past participle
   that ends a message after a value ("Program <*> started", "... stopped", "...
   paused": what became of the value is the event), nor the one word after a header that
   ends in a tag in square brackets (knxd's "Layer 8 [<*> <*>] TUNNEL_REQ": the word is
   the message). After a function's name ("tls_h_read_f(): src addr", "... dst addr"), a
   level's name ("INFO: [Added]", "INFO: [Removed]") or a word that leads the message
   after the header's last value ("LOG5[<*>]: s_connect: connected") two words are two
   events: none of them is a label. Words that share a head ("/products/shoes",
   "/products/hats") are counted apart from others, and so, where no label precedes
   them, are phrases in brackets from bare words ("PLAY [all]", "PLAY [localhost]";
   "PLAY RECAP"), and everywhere a word in brackets from a list in brackets that holds a
   value ("(UDP)"; "(DoT, <*> bytes)", "(TCP, <*> bytes)").
6. Runs: when the message shares a start and an end with two templates, and the three
   hold three distinct runs of words between them after a label (a clause: "raised: <*>
   on") or as a capitalized name between two words ("sensor <*> reading" of "Inlet
   Temp", "DIMM A1 Temp"), the run becomes one `<*>`: the rule of siblings for values
   that are not one word. A run may also end the message if a label that is a word comes
   before it ("statement: <*>" of three SQL statements; not one that opens a bracket it
   does not close, "<[severity-value: <*>] ...>", whose value ends with the bracket, nor
   a host's name whose last part is one letter, DRBD's "stor-b:", which ends a header),
   or a dash after a word ("failed - <*>" of "Data stale", "Unknown UPS"; after a value
   a dash is an empty field, '<*> - "GET /x HTTP/1.1"'). Only words with letters count
   as words here ("(<*>):" is not one). Failing a run, a short sentence whose words up
   to its object are plain words (not only a level's name or a component's camelCase
   name: "INFO <*>.", "Info aaEngine <*>.") takes its whole object as one `<*>`
   ("Started <*>." of "Docker Engine", "containerd container runtime", "kubelet: The
   Node Agent"), unless the object starts with a word naming its kind ("target Local
   File Systems") or holds a value and its colon, or such a host's name and its colon
   ("EtherCAT 0: Scanning bus.", "drbd pgwal stor-a: PingAck did not arrive in time.":
   the first word is a speaker). Four templates that share a start ending in a value and
   then end in different short runs of words take the run as one `<*>`: what became of
   the value ("host [<*>] not found", "... not monitored", "... is monitored by a
   proxy"; after a colon too, but not error texts in C's manner, "file <*>: Permission
   denied"); runs that start with the same two words are variants of one saying, not
   distinct reasons (unless, after a value and its colon, most of them start otherwise:
   ejabberd's "Stream closed by peer: <*>", "Stream closed by local host: <*>", "Stream
   reset by peer", "Connection failed: <*>"), and a run of fields with no word besides them
   ('taskqueue-size="<*>"') is a report of its own.
7. Otherwise the message starts a new cluster.

A vendor's code that heads a message ("%ASA-6-302014:", "AMQ222067:" after a level and a
logger in brackets) names its event: the cluster the message went to joins one that took
the same code before, under one template for both, if their templates share most words
("Teardown TCP connection … TCP FINs from outside" and "… Conn-timeout").

Whenever a template generalizes, every other template it now covers merges into the
oldest of them, which keeps its key, and so does every template it covers but for one
optional part of its own (as step 4 would send their messages to it); the sibling rule
runs again for the changed template; the GroupMatch names the absorbed keys. A template
keeps every message it took: each cluster remembers where its `<*>` held several words
and how many (a name of three words), and no rule makes it a template whose `<*>` there
holds fewer ("<*> SP changed" of "Cooling Water Return Temp SP changed" does not become
"<*> <*> changed"), or those messages would start a new cluster each time they came
again.

Messages are compared only with templates that share a word with them at the same place
(an index; for a template that starts with `<*>`, its first word; those that may span a
message or that it may span also by their length, and no more than MAX_CANDIDATES of
them where a word is that common), and where each message went is memoized by its
digit-zeroed text and by its masked tokens, so a repeat costs one dict lookup (until a
template generalizes: then the memos start again). Memory is bounded: past `max_clusters`, or
past MAX_INDEXED_TOKENS words and values in their templates (each indexed, some 500
bytes a token: long unlike lines), the least recently used tenth of the clusters is
dropped (their keys live on in the caller's store).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from logs.grouping.masking import (
    HTTP_METHODS,
    KEYED_FIELD,
    LEVEL_NAMES,
    MESSAGE_KEYS,
    SYSTEM_ERRORS,
    UNITS,
    WILDCARD,
    balanced,
    digits_zeroed,
    mask_zeroed,
    template_tokens,
)

# A word position becomes `<*>` once this many distinct words were seen there while the
# rest of the message stayed the same. Two is the common enum (in/out, begin/end).
DISTINCT_WORDS_FOR_VARIABLE = 3
# A skeleton must keep at least this many words to be worth a template: "<*> failed"
# from "disk failed", "fan failed", "link failed" would say nothing.
MIN_WORDS_IN_MERGED_TEMPLATE = 2
# A `<*>` may span several words only in a template with at least this many other words.
MIN_WORDS_FOR_STRETCH = 2
# A run of several words becomes `<*>` only where this many words are kept around it.
MIN_WORDS_AROUND_GAP = 3
# Templates compared with a message when looking for such a run, the best aligned first.
GAP_CANDIDATES = 8
# Distinct endings after a value that make the ending a value too, each of at most so
# many words (see `_reasons_skeleton`).
REASONS_FOR_VARIABLE = 4
REASON_WORDS_MAX = 12
# Two values a field may show that make it a field as three distinct words do.
_BOOLEANS = frozenset({"true", "false"})
# Words that say what became of a value, when they end a message: never a field's values.
_PAST_PARTICIPLE = re.compile(r"[a-z]+ed[.!]?")
# A word in capitals: a message's kind or a state a protocol names ("PUBLISH", "MASTER").
_CAPS_WORD = re.compile(r"[A-Z]{3,}")
# A verb as a word ends: "renewing", "rebinding", "released".
_VERB_FORM = re.compile(r"[a-z]+(?:ed|ing)")
# The most words a name may have where a template's `<*>` stands between two words
# ("Temperature sensor <*> reading" of "Inlet Temp", "DIMM A1 Temp").
MAX_NAME_WORDS = 3
# How many words a spanning `<*>` may hold when not a name: any number.
ANY_WORDS = -1
# Any number of words that may be the object of a sentence (see `_object_start`).
SENTENCE_OBJECT = -2
# A value and a value in brackets after it, its aside ("aa:bb:cc:dd:ee:ff (host)"),
# which a producer prints when it has one.
VALUE_ASIDE = -3
_ASIDE = re.compile(r"\([^()\[\]]+\)|\[[^()\[\]]+\]")
# A word ending so names the field whose value follows.
_LABEL_ENDS = (":", "=")
# Rounds of the sibling rule after a template changed (each merges clusters, so few run).
MAX_FOLLOWING_MERGES = 8
# Steps of the glob walk of a template over a message, per token of the two.
ELASTIC_STEPS_PER_TOKEN = 4
# A line of more labelled fields than this is a record, whose fields are not optional one
# by one (see `_without_one_field`); it also bounds what trying each one out costs.
MAX_FIELDS_FOR_OPTIONAL = 12
# So is a line of more key=value fields than this beside its message (see
# `_without_one_keyed`).
MAX_KEYED_FOR_OPTIONAL = 24
# Likewise for the tags that lead a line and the asides after values: more than this are a
# list of them.
MAX_OPTIONAL_TOKENS = 4
# Memory bound: past this many clusters, or this many tokens in their templates, the
# least recently used tenth is dropped.
MAX_CLUSTERS = 20_000
MAX_INDEXED_TOKENS = 1_000_000
# The most templates compared with a message through one word of it (see
# `_same_length_candidates`).
MAX_CANDIDATES = 256
# The most entries of each memo of where messages went, and about the most bytes its keys
# take (a flood of long unlike lines must not grow one past some tens of megabytes; a
# token costs a string's head and a place in its tuple besides its characters); one is
# emptied when full.
MAX_ROUTES = 100_000
MAX_ROUTE_BYTES = 32_000_000
_TOKEN_BYTES = 64
# One of the index's dicts of lists, by (length, place, word) or by (place, word).
_Index = defaultdict[tuple, list["Cluster"]]
# What a memo knows a message by: its digit-zeroed text, or its masked tokens.
_Route = TypeVar("_Route", str, tuple[str, ...])
# Message codes remembered with the clusters that took them (see `_joined_by_code`); all
# forgotten when full.
MAX_CODES = 10_000
# The clusters remembered for one code: the newest this many that joined no other.
CODE_CLUSTERS = 8


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
    _spans: list[int] = field(default_factory=list, repr=False)
    # Places of its template whose `<*>` has held several words, and the most it held
    # ("<*> SP changed" of "Reflux Drum Level SP changed": 3 at place 0); a template it
    # merges into must let them span as far.
    _held: dict[int, int] = field(default_factory=dict, repr=False)
    # Places of its template whose `<*>` has held a word that is no name ("deploy",
    # "allow-web"): a template whose `<*>` spans names there would not take its messages.
    _worded: set[int] = field(default_factory=set, repr=False)


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
        self._by_place: defaultdict[tuple[int, int, str], list[Cluster]] = defaultdict(list)
        self._by_start: defaultdict[tuple[int, str], list[Cluster]] = defaultdict(list)
        # (place, word) of the first word of each template that starts with `<*>`.
        self._by_first_word: defaultdict[tuple[int, str], list[Cluster]] = defaultdict(list)
        # How many templates there are of each length, and how many tokens they have.
        self._lengths: Counter[int] = Counter()
        self._indexed_tokens = 0
        self._by_tokens: dict[tuple[str, ...], Cluster] = {}
        self._by_key: dict[str, Cluster] = {}
        # Memos of where messages went, by their digit-zeroed text and by their masked tokens
        # (messages that differ in more than digits, a user's name or a path, may mask
        # alike): each is placed once. Both are emptied where a template changes.
        self._routes: _Routes[str] = _Routes()
        self._routes_by_tokens: _Routes[tuple[str, ...]] = _Routes()
        self._by_code: dict[str, list[Cluster]] = {}
        # Whether the memo sends a message to a shorter template that spans it, which a
        # new template of its length would cover first (see `_place`).
        self._routes_stretch = False
        self._clock = 0
        self._next_order = 0

    def clusters(self) -> Iterable[Cluster]:
        return list(self._by_key.values())

    def add(self, message: str) -> GroupMatch:
        self._clock += 1
        zeroed = digits_zeroed(message)
        # Most messages end here: `_routed` in line.
        cluster = self._routes.get(zeroed)
        if cluster is not None:
            while cluster._absorbed_by is not None:
                cluster = cluster._absorbed_by
            if not cluster._evicted:
                return self._plain(cluster)
        tokens = mask_zeroed(zeroed)
        cluster = _routed(self._routes_by_tokens.get(tokens))
        match = self._plain(cluster) if cluster is not None else self._place(tokens)
        # A code has four digits in a row: most messages are passed over at that.
        code = _MESSAGE_CODE.match(message) if "0000" in zeroed else None
        if code is not None:
            match = self._joined_by_code(code[1] or code[2] or code[3], match)
        self._routes.remember(zeroed, len(zeroed), match.cluster)
        self._routes_by_tokens.remember(
            tokens, len(zeroed) + _TOKEN_BYTES * len(tokens), match.cluster
        )
        return match

    def restore(self, template: str, key: str) -> Cluster:
        """A cluster for a stored template under its stored key; later messages may match it.

        The template's tokens are taken as stored, not masked again: masking would merge
        the neighbouring wildcards a generalized template can have ("for <*> <*> in"),
        and the restored cluster would no longer match the messages that made it.
        """
        tokens = template_tokens(template)
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

    def _joined_by_code(self, code: str, match: GroupMatch) -> GroupMatch:
        """The match, its cluster joined with one that took the message's code before.

        A vendor's code that heads a message ("%ASA-6-302014:", "AMQ222067:") names its
        event, whose words can vary where no template would take them: "Teardown TCP
        connection … TCP FINs from outside" and "… Conn-timeout". Masking made the code a
        value (its digits tell codes apart), so templates stay as they are and two
        clusters join only if one template takes them both and they share most words
        (`_code_skeleton`): a name that looks like a code ("PUMP40001:") heads unlike
        messages, which stay apart."""
        cluster = match.cluster
        known = self._by_code.get(code)
        if known is None:
            if len(self._by_code) >= MAX_CODES:
                self._by_code.clear()
            known = self._by_code[code] = []
        alive = []
        for other in known:
            while other._absorbed_by is not None:
                other = other._absorbed_by
            if not other._evicted and other not in alive:
                alive.append(other)
        known[:] = alive
        for first in alive:
            if first is cluster:
                continue
            skeleton = _code_skeleton(first._tokens, cluster._tokens)
            if skeleton is not None and _keeps_every_message(skeleton, [first, cluster]):
                break
        else:
            if cluster not in alive:
                known.append(cluster)
                del known[:-CODE_CLUSTERS]
            return match
        merged = list(match.merged)
        survivor = self._merged_into(min(first, cluster, key=_age), skeleton, merged)
        for other in (first, cluster):
            if other is not survivor and other._absorbed_by is None:
                self._absorbed(other, survivor, merged)
        if match.created:
            # The cluster the message started is gone at once: it joined the older one.
            merged = [key for key in merged if key != cluster.key]
        survivor._last_used = self._clock
        self._forget_routes()
        return GroupMatch(survivor, False, True, tuple(sorted(set(merged))))

    def _forget_routes(self) -> None:
        self._routes.clear()
        self._routes_by_tokens.clear()

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
                elif _takes(seen, known):
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
            if covering._tokens != tokens:
                covering._worded |= _worded_places(covering._tokens, tokens, {})
            return self._plain(covering)
        stretched = self._elastic_covering(tokens)
        if stretched is not None:
            _hold_runs(stretched, tokens)
            self._routes_stretch = True
            return self._plain(stretched)
        if loose is not None:
            general = tuple(
                seen if known != seen and _takes(seen, known) else known
                for known, seen in zip(loose._tokens, tokens, strict=True)
            )
            # A template may lose a word to a value, but not most of its words: "flush"
            # and "12345" are not one event. Nor may it gain `<*>` beside `<*>`: "<*> -
            # Resolving <*> through" and "<*> - <*> open through" are words out of step.
            if (
                _words(general) >= max(1, _words(loose._tokens) - _words(general))
                and not _new_neighbours(loose._tokens, general)
                and _keeps_every_message(general, [loose])
            ):
                return self._generalized(loose, general)
        spans = _spans(tokens)
        covered = self._elastic_covered(tokens, spans)
        if covered:
            covered = [
                cluster for cluster in covered if _held_under(tokens, spans, cluster) is not None
            ]
        if covered:
            return self._generalized(min(covered, key=_age), tokens)
        optional = self._but_for_one_optional(tokens)
        if optional is not None:
            return self._plain(optional)
        sibling = self._sibling_skeleton(tokens, siblings)
        if sibling is not None and _keeps_every_message(sibling[1], sibling[0]):
            family, skeleton = sibling
            return self._generalized(min(family, key=_age), skeleton)
        gap = self._gap_family(tokens)
        # Not a run longer than its `<*>` may hold ("ALARM Low 05 Tank T-306 Level" is no
        # name of three words): the family's messages would fall outside their template,
        # to start a new cluster each time they come again.
        if gap is not None and covers(gap[1], tokens) and _keeps_every_message(gap[1], gap[0]):
            family, skeleton = gap
            return self._generalized(min(family, key=_age), skeleton, tokens)
        template = " ".join(tokens)
        cluster = self._new_cluster(tokens, self._free_key(template), spans, template)
        cluster.size = 1
        cluster._last_used = self._clock
        if self._routes_stretch and WILDCARD in tokens:
            # It may cover, and so take first after a restart, messages the memo sends to
            # a shorter template that spans them ("rule <*> … <*> allow-web trust" those of
            # "rule trust-to-untrust-snat … <*> trust").
            self._forget_routes()
            self._routes_stretch = False
        if len(self._by_key) > self.max_clusters or self._indexed_tokens > MAX_INDEXED_TOKENS:
            self._evict_least_used()
        return GroupMatch(cluster, True, False)

    def _same_length_candidates(self, tokens: tuple[str, ...]) -> Iterable[Cluster]:
        # A template that covers, loosely matches or differs by one word from the message
        # shares at least one word with it at the same place (merged templates keep two).
        # A template without words takes only messages without words: "setLightsOn(true)"
        # is not "cancelNotification,index:<*>".
        # A word that more than MAX_CANDIDATES templates have at its place ("|" between
        # columns, a first word every line has) tells none apart: those templates are found
        # by their other words, so that no stream of unlike messages makes each one cost as
        # much as all the templates before it; if every word is that common, only the
        # newest MAX_CANDIDATES of the rarest are compared.
        length = len(tokens)
        found: dict[Cluster, None] = {}
        common: list[Cluster] | None = None
        worded = False
        by_place = self._by_place.get
        for place, token in enumerate(tokens):
            if WILDCARD not in token:
                worded = True
                group = by_place((length, place, token))
                if not group:
                    continue
                if len(group) <= MAX_CANDIDATES:
                    for cluster in group:
                        found[cluster] = None
                elif common is None or len(group) < len(common):
                    common = group
        if not found and common is not None:
            found = dict.fromkeys(common[-MAX_CANDIDATES:])
        if not found and not worded:
            found = dict.fromkeys(self._by_place.get((length, -1, WILDCARD), ())[-MAX_CANDIDATES:])
        return found

    def _longer_or_shorter(self, tokens: tuple[str, ...]) -> list[Cluster]:
        """Templates of another length that share the message's first word at its place."""
        for place, token in enumerate(tokens):
            if WILDCARD not in token:
                return self._by_start.get((place, token), [])
        return []

    def _of_other_length(self, tokens: tuple[str, ...], *, longer: bool) -> list[Cluster]:
        """Longer (or shorter) templates that share the message's first word at its place:
        those of `_longer_or_shorter` found by their length, so that a stream of unlike
        messages of one start and one length does not make each cost as much as all."""
        for place, token in enumerate(tokens):
            if WILDCARD not in token:
                if len(self._by_start.get((place, token), ())) == len(
                    self._by_place.get((len(tokens), place, token), ())
                ):
                    return []  # every template of that start has the message's length
                lengths = [
                    length
                    for length in self._lengths
                    if (length > len(tokens) if longer else length < len(tokens))
                ]
                return [
                    cluster
                    for length in lengths
                    for cluster in self._by_place.get((length, place, token), ())
                ]
        return []

    def _elastic_covering(self, tokens: tuple[str, ...]) -> Cluster | None:
        """The best shorter template one of whose `<*>` spans several words of the message.

        Besides those that share the message's first word, a template whose first word
        comes later (no `<*>` spans before a template's first word, so it stands at its
        place in the message): "<*> <*> ALARM <*>" covers "<*> ROCPOS ALARM High Reflux
        Drum Level", when a merge made it of templates that did."""
        best: Cluster | None = None
        by_first_word = self._by_first_word.get
        later = [
            cluster
            for place_token in enumerate(tokens)
            for cluster in by_first_word(place_token, ())
        ]
        for cluster in (*self._of_other_length(tokens, longer=False), *later):
            if (
                cluster._spans
                and len(cluster._tokens) < len(tokens)
                and _elastic_covers(cluster._tokens, tokens, cluster._spans)
            ):
                best = _better(best, cluster)
        return best

    def _elastic_covered(self, tokens: tuple[str, ...], spans: list[int]) -> list[Cluster]:
        """Longer templates that `tokens` (of spans `spans`), a `<*>` of it spanning several
        words, covers."""
        if not spans:
            return []
        return [
            cluster
            for cluster in self._of_other_length(tokens, longer=True)
            if _elastic_covers(tokens, cluster._tokens, spans)
        ]

    def _but_for_one_optional(self, tokens: tuple[str, ...]) -> Cluster | None:
        """The best template that covers the message but for one labelled field among
        others, one tag among those that lead it, one aside after a value, one value
        between two words (`_optional_values`) or between two like separators, which a
        producer prints when it has one (EMQX's "peername: <*>, username: <*>, topic:
        <*>" and "peername: <*>, topic: <*>"; vsftpd's "[pid <*>] [ftpuser] FTP command"
        and "[pid <*>] FTP command"; Exim's "H=<*> (ylmf-pc) [<*>" and "H=<*> [<*>"): the
        message without one of its own, or a template without one of its own, covers the
        other. The template stays as it is."""
        best: Cluster | None = None
        for shorter in (
            *_without_one_field(tokens),
            *_without_one_keyed(tokens),
            *_without_trailing_pair(tokens),
            *_without_one_separated(tokens),
            *_without_one_tag(tokens),
            *_without_one_aside(tokens),
        ):
            exact = self._by_tokens.get(shorter)
            if exact is not None:
                best = _better(best, exact)
                continue
            for cluster in self._same_length_candidates(shorter):
                if _covers(cluster._tokens, shorter):
                    best = _better(best, cluster)
        # A value left out between two words: the template has both words there, not a
        # `<*>` that would take one ("port <*> is open" is no "<*> is open" without its
        # value).
        for place in _optional_values(tokens):
            shorter = tokens[:place] + tokens[place + 1 :]
            for cluster in self._same_length_candidates(shorter):
                known = cluster._tokens
                if known[place - 1 : place + 1] == shorter[place - 1 : place + 1] and _covers(
                    known, shorter
                ):
                    best = _better(best, cluster)
        if best is not None:
            return best
        # A template with one part more has the message's first word at its place, or one
        # place later where a tag or an aside comes before it (the newest MAX_CANDIDATES
        # of that start, here and below, as for `_same_length_candidates`).
        first = next((place for place, token in enumerate(tokens) if WILDCARD not in token), None)
        if first is None:
            return None
        for place in (first, first + 1):
            for cluster in self._by_start.get((place, tokens[first]), [])[-MAX_CANDIDATES:]:
                if 0 < len(cluster._tokens) - len(tokens) <= _MOST_OPTIONAL_TOKENS and any(
                    _covers(shorter, tokens)
                    for shorter in _without_one_optional(cluster._tokens, len(tokens))
                ):
                    best = _better(best, cluster)
        if best is not None:
            return best
        # Or one whose `<*>` spans several words of the message once a value between like
        # separators is left out ('cid:<*> - "<*>" - Client connection closed: <*>' takes
        # "cid:<*> - Client connection closed: Parse Error"). Leaving out a value and a
        # separator leaves every word, so a template with a word the message lacks is
        # passed over before its shorter forms are walked.
        words = set(tokens)
        for place in (first, first + 1):
            for cluster in self._by_start.get((place, tokens[first]), [])[-MAX_CANDIDATES:]:
                if (
                    cluster._spans
                    and len(cluster._tokens) - 2 < len(tokens)
                    and all(token in words for token in cluster._tokens if WILDCARD not in token)
                    and any(
                        _elastic_covers(shorter, tokens)
                        for shorter in _without_one_separated(cluster._tokens)
                    )
                ):
                    best = _better(best, cluster)
        return best

    def _gap_family(self, tokens: tuple[str, ...]) -> tuple[list[Cluster], tuple[str, ...]] | None:
        """Two templates that share a start and an end with the message, each with other
        words between them: the third distinct run of words at one place is a value (a
        name of several words, a clause), as the third distinct word is one for siblings.

        The run must follow the first word and either a label (a word ending in ":" or
        "=") or be a name (capitalized words between two words, `_names`); words must
        follow it, and the words kept must be enough to name the event
        (MIN_WORDS_AROUND_GAP): "Failed password for root from <*>" and "Failed password for
        invalid user <*> from <*>" are two events."""
        aligned: list[tuple[int, int, Cluster]] = []
        backwards = tokens[::-1]
        # The newest MAX_CANDIDATES only: a run is looked for among templates of the same
        # start, and a stream of unlike messages of one start must not make each cost as
        # much as all of them.
        for cluster in self._longer_or_shorter(tokens)[-MAX_CANDIDATES:]:
            known = cluster._tokens
            shortest = min(len(known), len(tokens))
            head = _agreeing(known, tokens, shortest)
            if not head:
                continue
            tail = _agreeing(known[::-1], backwards, shortest - head)
            if head + tail >= shortest or (len(known) == len(tokens) == head + tail + 1):
                # Covered, or one word apart: the sibling rule's to decide.
                continue
            aligned.append((head, tail, cluster))
        # Most messages end here, before their labels are read: too few to make a family.
        if len(aligned) + 1 < self.distinct_words_for_variable:
            return None
        places = _label_places(tokens)
        labels = set(places)
        first_place = places[0] if places else 0
        may_run = bool(places) or any(map(_name_like, tokens[1:]))
        may_be_sentence = bool(_sentence_mark(tokens[-1]))
        least_head = first_place + 1 if may_run and not may_be_sentence else 1
        aligned = [item for item in aligned if item[0] >= least_head]
        if len(aligned) + 1 < self.distinct_words_for_variable:
            return None
        aligned.sort(key=lambda item: (-(item[0] + item[1]), item[2]._order))
        aligned = aligned[:GAP_CANDIDATES]
        if not may_run and not may_be_sentence:
            return _reasons_skeleton(tokens, aligned)
        best: tuple[int, list[Cluster], tuple[str, ...]] | None = None
        sentence: tuple[int, list[Cluster], tuple[str, ...]] | None = None
        for index, (head, tail, cluster) in enumerate(aligned):
            for other_head, other_tail, other in aligned[index + 1 :]:
                shared_head, shared_tail = min(head, other_head), min(tail, other_tail)
                if not shared_tail and shared_head - 1 not in labels:
                    # A reason that ends the message is all its label labels, words it
                    # shares with others too ("login failed: FATAL the database system is
                    # starting up", "login failed: FATAL sorry, too many clients").
                    earlier = [place for place in places if place < shared_head - 1]
                    if earlier and _labels_at(tokens, earlier[-1]):
                        shared_head = earlier[-1] + 1
                if best is not None and shared_head + shared_tail <= best[0]:
                    continue
                family = (cluster, other)
                skeleton = None
                # A run that ends the message: only after a label ("error: <*>"), and not
                # one in a bracket, whose value ends where the bracket does.
                if (
                    may_run
                    and shared_head > first_place
                    and (
                        shared_tail
                        or (
                            _labels_at(tokens, shared_head - 1)
                            and not _opens_unclosed(tokens[shared_head - 1])
                        )
                    )
                    and (
                        shared_head - 1 in labels
                        or (shared_tail and _names(tokens, family, shared_head, shared_tail))
                    )
                ):
                    skeleton = _gap_skeleton(tokens, family, shared_head, shared_tail)
                if skeleton is not None:
                    best = (shared_head + shared_tail, [cluster, other], skeleton)
                elif may_be_sentence and (sentence is None or shared_head < sentence[0]):
                    # Or the whole object of a sentence, kept if no run is ("Started <*>.").
                    skeleton = _sentence_skeleton(tokens, family, shared_head)
                    if skeleton is not None:
                        sentence = (shared_head, [cluster, other], skeleton)
        if best is None and sentence is None:
            return _reasons_skeleton(tokens, aligned)
        if best is None:
            best = sentence
        return None if best is None else (best[1], best[2])

    def _sibling_skeleton(
        self, tokens: tuple[str, ...], siblings: dict[int, list[Cluster]]
    ) -> tuple[list[Cluster], tuple[str, ...]] | None:
        """The template `tokens` and its siblings (templates that differ from it by the word
        at one place, by position) make, if that place has shown enough distinct words."""
        if not siblings:
            return None
        for position, family in sorted(siblings.items(), key=lambda item: (-len(item[1]), item[0])):
            # Unless a label says what they are ("reason: timeout", "reason: {shutdown,
            # closed}"), a phrase in brackets and a bare word are not two values of one
            # field: "PLAY [all] ***" names a play, "PLAY RECAP ***" is another event.
            if position == 0 or not tokens[position - 1].endswith(_LABEL_ENDS):
                opens = tokens[position][:1] in _OPENING_BRACKETS
                family = [
                    cluster
                    for cluster in family
                    if (cluster._tokens[position][:1] in _OPENING_BRACKETS) == opens
                ]
                if not family:
                    continue
            # A word in brackets and a list in brackets that holds a value say other
            # things: "(UDP)" and "(DoT, <*> bytes)" after a query are two events.
            if kind := _word_or_list_in_brackets(tokens[position]):
                family = [
                    c for c in family if _word_or_list_in_brackets(c._tokens[position]) != -kind
                ]
                if not family:
                    continue
            # The first word names the event ("tickTime set to", "cupsd startup succeeded");
            # values that lead a message have the shape of one (an address, a path), or
            # are tags in brackets, which name who speaks, not what ("[sshd] Ban <*>"), as
            # does a name set apart by a colon ("deploy : TTY=pts/0 ; PWD=/home/deploy"; a
            # word in capitals there is a level: "ERROR : disk full"), or names of joined
            # lower-case parts ("daily.cld database is up-to-date", "main.cvd ...").
            seen = [tokens[position], *(cluster._tokens[position] for cluster in family)]
            if (
                position == 0
                and not (tokens[1:2] == (":",) and not any(map(str.isupper, seen)))
                and not _devices_speaking(seen, tokens[1:2])
                and (
                    not all(_is_tag(word) or _is_aside(word) for word in seen)
                    or _tags_of_one_speaker(seen)
                )
                and not _one_word_of_several_arguments(seen)
                and not all(map(_COMPOUND_NAME.fullmatch, seen))
            ):
                continue
            # The one word after a header that ends in a tag in square brackets is the
            # message ("Layer 8 [<*> <*>] TUNNEL_REQ", "... TUNNEL_ACK", "... DESCRIBE").
            if (
                position == len(tokens) - 1
                and position > 0
                and _square_tag(tokens[position - 1])
                and WILDCARD not in tokens[position]
            ):
                continue
            # The first word after the tags that lead a line ("[info] Started flows",
            # "[info] Stopped flows") names the event as a first word does.
            if (
                position > 0
                and all(_is_tag(token) or _is_aside(token) for token in tokens[:position])
                and all(word.isalpha() and word[0].isupper() for word in seen)
            ):
                continue
            # So does a verb that opens the clause after a speaker's value and its colon
            # ("<*>: renewing lease of <*>", "<*>: rebinding lease of <*>").
            if (
                position == 1
                and tokens[0].endswith(":")
                and WILDCARD in tokens[0]
                and all(_VERB_FORM.fullmatch(word) for word in seen)
            ):
                continue
            # So does the first word of a logfmt line's message ('msg="StartContainer').
            if tokens[position].startswith(MESSAGE_KEYS):
                continue
            # What became of a thing, said last or before an aside ("Program <*> started",
            # "... stopped", "LLDP neighbor added", "VM Started (Lifecycle Event)", "The node
            # is now asleep."), is the event, however many things may become of it; not
            # after a label, where it is the value ("DDNS: enabled").
            if (
                position > 0
                and (position == len(tokens) - 1 or _aside_run(tokens[position + 1 :]))
                and (
                    WILDCARD in tokens[position - 1]
                    or not tokens[position - 1].endswith(_LABEL_ENDS)
                )
                and (_outcomes(seen) or _became(tokens[position - 1], seen))
            ):
                continue
            # So is what was done to it, by whom: "static dns entry changed by admin",
            # "... added by admin", "... removed by admin" are three events.
            if tokens[position + 1 : position + 2] == ("by",) and _outcomes(seen):
                continue
            # A place in code ("virDomainCreate:<*>", "server.go:<*>]") names the statement
            # that printed the line: two functions are two events, however many there are.
            if _CODE_PLACE.match(tokens[position]):
                continue
            # Labels in capitals are keys, not values: "OK DELETE: Client <*>", "OK MKDIR:
            # Client <*>" say what was done, however many things may be done.
            if all(_CAPITAL_LABEL.fullmatch(value) for value in seen):
                continue
            # So is a word in capitals after a capitalized verb, as Loghub labels
            # Hadoop's "Transitioned from NEW to <*>": "Received PUBLISH from <*>",
            # "Received PINGREQ from <*>", "Entering MASTER STATE". Not a request's
            # method ("Completed GET /x"), nor a level.
            if (
                position > 0
                and tokens[position - 1].isalpha()
                and tokens[position - 1][0].isupper()
                and not tokens[position - 1].isupper()
                and all(
                    _CAPS_WORD.fullmatch(value)
                    and value.lower() not in LEVEL_NAMES
                    and value not in HTTP_METHODS
                    for value in seen
                )
            ):
                continue
            # So is the last part of a topic in capitals, around the device that sent it:
            # "tele/<*>/STATE", "tele/<*>/SENSOR", "stat/<*>/RESULT" are kinds of message.
            if all(_TOPIC_KIND.fullmatch(value) for value in seen):
                continue
            # After a label ("target: disk", "target: replicas"), two words are two values,
            # unless it leads the message (a logger's name: "agent: Synced"); so are two
            # ends of one bracketed phrase after its label ("(using password: YES)",
            # "(using password: NO)"), and true and false ("set to TRUE manually").
            if (
                len(family) + 1 < self.distinct_words_for_variable
                and not (
                    (
                        position > 1
                        and _is_label(tokens[position - 1])
                        # A function's name is where the line was printed, not a label;
                        # so is a word that leads the message after the header's last
                        # value and its colon ("LOG5[<*>]: s_connect: connected"); and a
                        # level's name says how much the line matters ("INFO: [Added]").
                        and not tokens[position - 1].endswith("():")
                        and not _value_label(tokens[position - 2])
                        and tokens[position - 1][:-1].lower() not in LEVEL_NAMES
                    )
                    or all(value.lower() in _BOOLEANS for value in seen)
                    # A noun after its count, in the singular and the plural.
                    or (tokens[position - 1] == WILDCARD and _one_noun_counted(seen))
                    or _reasons_in_brackets(seen, tokens[position - 1])
                    # Measures in brackets, each labelled: a line prints those it took
                    # ("(Views: <*> | ActiveRecord: <*>)", "(ActiveRecord: <*>)").
                    or all(map(_MEASURES.fullmatch, seen))
                    or _labelled_in_token(seen[1:], tokens[position])
                )
            ):
                return None
            kin = _kin(family, position, tokens[position])
            if len(kin) + 1 >= self.distinct_words_for_variable:
                family = kin
            values = [cluster._tokens[position] for cluster in family] + [tokens[position]]
            shape = _common_shape(values)
            # A request's route names its endpoint by its words: "/healthz", "/static/<*>"
            # and "/search?<*>" are three, where "/products/<*>" is one.
            if all(value[:1] == "/" for value in values):
                if not _ROUTE_WORDS.search(shape):
                    return None
                # A `<*>` segment takes ids, not words (`_fits`): of "/acme/cert/<*>",
                # "/acme/order/<*>/<*>" and "/acme/new-acct", the first two make
                # "/acme/<*>", which would not take the third's messages the next time
                # they came; its endpoint stays one of its own.
                family = [c for c in family if _token_covers(shape, c._tokens[position])]
                values = [*(cluster._tokens[position] for cluster in family), tokens[position]]
                shape = _common_shape(values)
                if (
                    len(values) < self.distinct_words_for_variable
                    or not _ROUTE_WORDS.search(shape)
                    or not all(_token_covers(shape, value) for value in values)
                ):
                    return None
            skeleton = (*tokens[:position], shape, *tokens[position + 1 :])
            # A line of marks and one word, with no value ("### [GPS] ###", "### [JIT]
            # ###"), says only that word: each is a statement of its own.
            if _words(skeleton) >= MIN_WORDS_IN_MERGED_TEMPLATE and (
                any(_LETTER.search(token.replace(WILDCARD, "")) for token in skeleton)
                or any(WILDCARD in token for token in tokens)
            ):
                return family, skeleton
            return None
        return None

    def _siblings_of(self, cluster: Cluster) -> dict[int, list[Cluster]]:
        """Templates that differ from the cluster's by the word at one place, by place."""
        tokens = cluster._tokens
        siblings: dict[int, list[Cluster]] = {}
        for other in self._same_length_candidates(tokens):
            if other is cluster:
                continue
            differs_at = -1
            for index, (known, seen) in enumerate(zip(other._tokens, tokens, strict=True)):
                if known != seen:
                    if differs_at >= 0 or _agree(known, seen):
                        differs_at = -1
                        break
                    differs_at = index
            if differs_at >= 0:
                siblings.setdefault(differs_at, []).append(other)
        return siblings

    def _generalized(
        self, cluster: Cluster, tokens: tuple[str, ...], message: tuple[str, ...] = ()
    ) -> GroupMatch:
        """The message joins `cluster`, whose template becomes `tokens`; covered ones merge.

        A template that changed may now differ by one word from templates made before it
        (the words it took a `<*>` for told them apart): the sibling rule runs again for
        it, as for a new message, so the order messages come in matters less."""
        merged: list[str] = []
        survivor = self._merged_into(cluster, tokens, merged, message)
        survivor.size += 1
        for _ in range(MAX_FOLLOWING_MERGES):
            sibling = self._sibling_skeleton(survivor._tokens, self._siblings_of(survivor))
            if sibling is None:
                break
            family, skeleton = sibling
            if not _keeps_every_message(skeleton, [survivor, *family]):
                break
            survivor = self._merged_into(min([survivor, *family], key=_age), skeleton, merged)
        for other in self._covered_but_for_one_optional(survivor):
            self._absorbed(other, survivor, merged)
        survivor._last_used = self._clock
        # The changed template may now be the more specific home of messages the memo sends
        # elsewhere (templates can overlap without covering each other), and a restart
        # would send them there: the memo is rebuilt, at the cost of one placing each.
        self._forget_routes()
        return GroupMatch(survivor, False, True, tuple(sorted(merged)))

    def _merged_into(
        self,
        cluster: Cluster,
        tokens: tuple[str, ...],
        merged: list[str],
        message: tuple[str, ...] = (),
    ) -> Cluster:
        """`cluster` takes the template `tokens`, and the clusters it covers merge into the
        oldest of them all, which is returned; the absorbed keys are added to `merged`.
        The `message` that made the template, if longer, holds several words in places."""
        spans = _spans(tokens)
        # The caller made sure `tokens` covers `cluster`'s messages.
        held, worded = _held_under(tokens, spans, cluster) or ({}, set())
        covered = []
        same_length = (
            other
            for other in self._same_length_candidates(tokens)
            if other is not cluster and _covers(tokens, other._tokens)
        )
        for other in [*same_length, *self._elastic_covered(tokens, spans)]:
            # Every message a template took stays covered: "<*> <*> changed" does not take
            # "<*> SP changed" that took "Reflux Drum Level SP changed".
            if other is cluster:
                continue
            other_held = _held_under(tokens, spans, other)
            if other_held is None:
                continue
            for place, words in other_held[0].items():
                held[place] = max(words, held.get(place, 1))
            worded |= other_held[1]
            covered.append(other)
        survivor = min([cluster, *covered], key=_age)
        for other in [cluster, *covered]:
            if other is not survivor:
                self._forget(other)
                other._absorbed_by = survivor
                survivor.size += other.size
                merged.append(other.key)
        self._retemplate(survivor, tokens)
        survivor._held = held
        survivor._worded = worded
        if message:
            _hold_runs(survivor, message)
        return survivor

    def _covered_but_for_one_optional(self, cluster: Cluster) -> list[Cluster]:
        """Templates that `cluster`'s covers once one of its optional parts is left out,
        as `_but_for_one_optional` would send their messages to it: word for word, or
        with its `<*>` spanning once a value between like separators is left out."""
        found: dict[Cluster, None] = {}
        tokens = cluster._tokens
        for shorter in (
            *_without_one_field(tokens),
            *_without_trailing_pair(tokens),
            *_without_one_tag(tokens),
            *_without_one_aside(tokens),
        ):
            for other in self._same_length_candidates(shorter):
                if other is not cluster and _covers(shorter, other._tokens):
                    found[other] = None
        for shorter in _without_one_separated(tokens):
            spans = _spans(shorter)
            for other in (
                *self._same_length_candidates(shorter),
                *self._elastic_covered(shorter, spans),
            ):
                if (
                    other is not cluster
                    and covers(shorter, other._tokens)
                    and _held_under(shorter, spans, other) is not None
                ):
                    found[other] = None
        return list(found)

    def _absorbed(self, cluster: Cluster, survivor: Cluster, merged: list[str]) -> None:
        self._forget(cluster)
        cluster._absorbed_by = survivor
        survivor.size += cluster.size
        merged.append(cluster.key)

    # --- bookkeeping -------------------------------------------------------------------

    def _free_key(self, template: str) -> str:
        """The template's key, or if a cluster holds it (the one this template started,
        generalized since into one that no longer covers it word for word) a key derived
        from it: two clusters under one key would leave one out of the index of keys."""
        key = template_key(template)
        while key in self._by_key:
            key = template_key(f"{template}\n{key}")
        return key

    def _new_cluster(
        self,
        tokens: tuple[str, ...],
        key: str,
        spans: list[int] | None = None,
        template: str | None = None,
    ) -> Cluster:
        cluster = Cluster(key=key, template=" ".join(tokens) if template is None else template)
        cluster._tokens = tokens
        cluster._spans = _spans(tokens) if spans is None else spans
        cluster._order = self._next_order
        self._next_order += 1
        self._index(cluster)
        self._by_key[key] = cluster
        return cluster

    def _retemplate(self, cluster: Cluster, tokens: tuple[str, ...]) -> None:
        self._unindex(cluster)
        cluster._tokens = tokens
        cluster._spans = _spans(tokens)
        cluster.template = " ".join(tokens)
        self._index(cluster)

    def _forget(self, cluster: Cluster) -> None:
        self._unindex(cluster)
        if self._by_key.get(cluster.key) is cluster:
            del self._by_key[cluster.key]

    def _index_entries(self, tokens: tuple[str, ...]) -> list[tuple[_Index, tuple]]:
        """Where a template stands in the index: (index, key) of each of its lists."""
        length = len(tokens)
        places = [(place, token) for place, token in enumerate(tokens) if WILDCARD not in token]
        by_place, by_start = self._by_place, self._by_start
        entries: list[tuple[_Index, tuple]] = [
            (by_place, (length, place, token)) for place, token in places
        ]
        if not places:
            entries.append((by_place, (length, -1, WILDCARD)))
        entries += [(by_start, place_token) for place_token in places]
        if places and places[0][0] > 0:
            entries.append((self._by_first_word, places[0]))
        return entries

    def _index(self, cluster: Cluster) -> None:
        self._lengths[len(cluster._tokens)] += 1
        self._indexed_tokens += len(cluster._tokens)
        # The newest cluster goes last in every list, which stays in order of age.
        newest = cluster._order == self._next_order - 1
        for index, key in self._index_entries(cluster._tokens):
            group = index[key]
            group.append(cluster)
            if not newest and len(group) > 1 and group[-2]._order > cluster._order:
                group.sort(key=_age)
        self._by_tokens.setdefault(cluster._tokens, cluster)

    def _unindex(self, cluster: Cluster) -> None:
        self._lengths[len(cluster._tokens)] -= 1
        self._indexed_tokens -= len(cluster._tokens)
        if not self._lengths[len(cluster._tokens)]:
            del self._lengths[len(cluster._tokens)]
        # An emptied list goes with its key: unlike templates dropped one after another
        # would leave a key for each of their words.
        for index, key in self._index_entries(cluster._tokens):
            group = index[key]
            group.remove(cluster)
            if not group:
                del index[key]
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
        self._forget_routes()


def _routed(cluster: Cluster | None) -> Cluster | None:
    """The cluster a memo sent a message to, or the one that absorbed it; None if dropped."""
    if cluster is None:
        return None
    while cluster._absorbed_by is not None:
        cluster = cluster._absorbed_by
    return None if cluster._evicted else cluster


class _Routes(dict[_Route, Cluster]):
    """A memo of where messages went, bounded in entries and in about the bytes its keys
    take."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def clear(self) -> None:
        super().clear()
        self.size = 0

    def remember(self, route: _Route, size: int, cluster: Cluster) -> None:
        if len(self) >= MAX_ROUTES or self.size + size > MAX_ROUTE_BYTES:
            self.clear()
        self[route] = cluster
        self.size += size


def _bucket(token: str) -> str:
    return WILDCARD if WILDCARD in token else token


def _age(cluster: Cluster) -> int:
    return cluster._order


def _named(token: str) -> bool:
    """Whether a token says something besides its values: "user=<*>" and "reason:" do,
    "(<*>):" and "#<*>" do not. The rules of runs count only these as words."""
    if token.isalpha():
        return True
    if WILDCARD in token:
        token = token.replace(WILDCARD, "")
    return _LETTER.search(token) is not None


_LETTER = re.compile(r"[^\W\d_]")


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
    """Whether `seen` fills a token template such as "action:<*>", "(<*>)" or
    "/products/<*>?<*>": each `<*>` stands for one character or more.

    In a request's route, a segment that is all `<*>` (an id, as masking writes one) does
    not take a word: "/v2/<*>/servers/<*>" and "/v2/<*>/servers/detail" are two endpoints,
    as "/web/login" and "/web/session" are (see `_sibling_skeleton`)."""
    if known[:1] == "/" == seen[:1] and f"/{WILDCARD}" in known:
        known_segments, seen_segments = known.split("/"), seen.split("/")
        if len(known_segments) == len(seen_segments) and any(
            k == WILDCARD and s != WILDCARD
            for k, s in zip(known_segments, seen_segments, strict=True)
        ):
            return False
    parts = known.split(WILDCARD)
    head, tail = parts[0], parts[-1]
    if not (seen.startswith(head) and seen.endswith(tail)):
        return False
    position, end = len(head), len(seen) - len(tail)
    for part in parts[1:-1]:
        found = seen.find(part, position + 1, end - 1)
        if found < 0:
            return False
        position = found + len(part)
    return end - position >= 1


def _token_covers(known: str, seen: str) -> bool:
    return known in (seen, WILDCARD) or (WILDCARD in known and _fits(known, seen))


def _takes(seen: str, known: str) -> bool:
    """Whether a message's token with `<*>` in it covers a template's other token, so the
    template may take it: '"<*>"' takes '"-"', "/products/<*>?<*>" takes
    "/products/shoes?<*>", but "<*>)" does not take "(uid=<*>)", a shape the template
    learned that the message's token does not start as."""
    if seen == WILDCARD:
        return True
    return (
        WILDCARD in seen
        and (WILDCARD not in known or not seen.startswith(WILDCARD))
        and _fits(seen, known)
    )


def _covers(general: tuple[str, ...], specific: tuple[str, ...]) -> bool:
    return all(map(_token_covers, general, specific))


def covers(general: tuple[str, ...], specific: tuple[str, ...]) -> bool:
    """Whether template tokens `general` cover masked tokens `specific`, as a covering or
    a shorter, spanning template does (steps 1 and 2 above)."""
    if len(general) == len(specific):
        return _covers(general, specific)
    return _elastic_covers(general, specific)


def _elastic_covers(
    general: tuple[str, ...],
    specific: tuple[str, ...],
    spans: list[int] | None = None,
    runs: dict[int, tuple[int, int]] | None = None,
) -> bool:
    """Whether `general`, shorter, covers `specific` with some of its `<*>` spanning several
    words: "Wake reason: <*>" covers "Wake reason: RTC (Alarm)", "Alarm <*> raised: <*> on
    <*>" covers "Alarm A7 raised: Door 3 open during operation on Press4".

    Only a `<*>` that may hold several words spans (see `_spans`). Matching is the usual
    glob walk; it gives up (no match) past a budget of steps linear in the lengths, so no
    pair of messages costs more than that. One value of `specific` at most has its aside
    (`_value_and_aside`): a line with several is another statement's, as Proxifier's
    "1190 bytes (1.16 KB) sent, 1671 bytes (1.63 KB) received" is not its "403 bytes sent,
    0 bytes received". `runs`, if given, gets each spanning place of `general` and where in
    `specific` its words start, and how many."""
    if len(general) >= len(specific):
        return False
    if spans is None:
        spans = _spans(general)
    if not spans:
        return False
    if not spans[-1] and not _token_covers(general[-1], specific[-1]):
        # A last token that spans nothing ends the message it covers.
        return False
    budget = ELASTIC_STEPS_PER_TOKEN * (len(general) + len(specific))
    known = seen = 0
    star_known, star_seen, star_start = -1, 0, 0
    asides = 0
    while seen < len(specific):
        budget -= 1
        if budget < 0:
            return False
        if (
            known < len(general)
            and spans[known]
            and _span_starts(general, known, specific, seen, spans)
        ):
            if star_known >= 0:
                asides += _value_and_aside(specific, star_start, star_seen)
                if runs is not None:
                    runs[star_known] = (star_start, star_seen - star_start)
            star_known, star_start, known, seen = known, seen, known + 1, seen + 1
            star_seen = seen
        elif known < len(general) and _token_covers(general[known], specific[seen]):
            known, seen = known + 1, seen + 1
        elif star_known >= 0:
            known, star_seen = star_known + 1, star_seen + 1
            seen = star_seen
            if specific[star_seen - 1] in MESSAGE_LABELS:
                return False  # a value holds no message: what follows names the event
            limit = spans[star_known]
            aside = _value_and_aside(specific, star_start, star_seen)
            if limit == VALUE_ASIDE and not aside:
                return False
            if (
                limit > 0
                and not aside
                and not _word_and_value(specific, star_start, star_seen)
                and (
                    star_seen - star_start > limit
                    or not all(map(_name_like, specific[star_start:star_seen]))
                )
            ):
                return False
        else:
            return False
    if known != len(general):
        return False
    if star_known >= 0:
        asides += _value_and_aside(specific, star_start, star_seen)
        if asides > 1:
            return False
        if runs is not None:
            runs[star_known] = (star_start, star_seen - star_start)
    # A value that ends the template and a clause after its colon ("via <*>" of "via
    # 10.0.0.1: no free leases") are another statement, unless a label asks for text.
    if (
        general[-1] == WILDCARD
        and star_known == len(general) - 1
        and len(specific) - star_start > 1
        and specific[star_start] == WILDCARD + ":"
        and not _ends_in_label(general[-2])
    ):
        return False
    if not spans[-1] or general[-1] == WILDCARD:
        return True
    # A last token such as "<*>." spans words up to one that ends as it does; one such as
    # "application_name=<*>" spans words, but not the next key ("rhost=<*> user=<*>").
    key, _, end = general[-1].partition(WILDCARD)
    return specific[-1].endswith(end) and not (
        key and any("=" in token for token in specific[star_start + 1 :])
    )


def _hold_runs(cluster: Cluster, message: tuple[str, ...]) -> None:
    """Adds to what the cluster's places held those of a message it takes: where its
    `<*>` holds several words, and how many, where more than it held before; and where it
    holds a word that is no name."""
    general, held = cluster._tokens, cluster._held
    runs: dict[int, tuple[int, int]] = {}
    if len(message) > len(general):
        _elastic_covers(general, message, cluster._spans, runs)
        for place, (_, words) in runs.items():
            if words > held.get(place, 1):
                held[place] = words
    cluster._worded |= _worded_places(general, message, runs)


def _aligned(
    general: tuple[str, ...], runs: dict[int, tuple[int, int]]
) -> Iterable[tuple[int, int, int]]:
    """Each place of template `general` with where its words start in what it covers and
    how many, from the `runs` of its spanning places (see `_elastic_covers`)."""
    seen = 0
    for place in range(len(general)):
        start, count = runs.get(place, (seen, 1))
        yield place, start, count
        seen = start + count


def _worded_places(
    general: tuple[str, ...],
    specific: tuple[str, ...],
    runs: dict[int, tuple[int, int]],
    worded: set[int] | frozenset[int] = frozenset(),
) -> set[int]:
    """The places of template `general` whose `<*>` holds a word of `specific` that is no
    name (of the `worded` places of `specific`, if a template)."""
    return {
        place
        for place, start, count in _aligned(general, runs)
        if general[place] == WILDCARD
        and any(
            inner in worded or not _name_like(specific[inner])
            for inner in range(start, start + count)
        )
    }


def _keeps_every_message(tokens: tuple[str, ...], clusters: list[Cluster]) -> bool:
    """Whether the template `tokens` covers every message the clusters took (see
    `_held_under`)."""
    spans = _spans(tokens)
    return all(_held_under(tokens, spans, cluster) is not None for cluster in clusters)


def _held_under(
    tokens: tuple[str, ...], spans: list[int], cluster: Cluster
) -> tuple[dict[int, int], set[int]] | None:
    """What the places of template `tokens` (of spans `spans`) hold once it takes the
    messages of `cluster`, which it covers as a template: the places where a `<*>` holds
    several words and the most it holds, and those where it holds a word that is no name;
    None where some message of the cluster would no longer be covered (a `<*>` that held
    a name of three words now one of four words, or one word; a `<*>` that held "deploy"
    now part of a name)."""
    held, worded, known = cluster._held, cluster._worded, cluster._tokens
    if len(known) == len(tokens):
        for place, words in held.items():
            if not spans or words > _most_words(spans[place]):
                return None
        return dict(held), _worded_places(tokens, known, {}, worded)
    runs: dict[int, tuple[int, int]] = {}
    if not _elastic_covers(tokens, known, spans, runs):
        return None
    result = {}
    within = 0
    for place, (start, count) in runs.items():
        words = sum(held.get(inner, 1) for inner in range(start, start + count))
        within += sum(inner in held for inner in range(start, start + count))
        if words > _most_words(spans[place]):
            return None
        if words > 1:
            result[place] = words
        if (
            count > 1
            and spans[place] > 0
            and any(inner in worded for inner in range(start, start + count))
            and not (
                count == 2
                and (
                    _value_and_aside(known, start, start + 2)
                    # A word and a value, in either order.
                    or any(
                        known[inner] == WILDCARD and inner not in worded
                        for inner in (start, start + 1)
                    )
                )
            )
        ):
            return None  # a name's words, where the template took one that is none
    # A place that held several words matched one `<*>` that holds one.
    if within != len(held):
        return None
    return result, _worded_places(tokens, known, runs, worded)


def _span_starts(
    general: tuple[str, ...], known: int, specific: tuple[str, ...], seen: int, spans: list[int]
) -> bool:
    """Whether the spanning token `general[known]` may start at `specific[seen]`: a
    "key=<*>" where its key does, a sentence's object where one may. Where it may not, the
    word belongs to the `<*>` before it, if any ("because: <*> (age=<*>)" takes "because:
    server idle timeout (age=0s)")."""
    start = general[known].partition(WILDCARD)[0]
    if start and not specific[seen].startswith(start):
        return False
    if spans[known] == VALUE_ASIDE and WILDCARD not in general[known]:
        # A last word and its aside of words: "closed" takes "closed (connection lost)".
        return (
            general[known] == specific[seen]
            and seen + 1 < len(specific)
            and WILDCARD not in specific[seen + 1]
        )
    return spans[known] != SENTENCE_OBJECT or _object_start(specific, seen)


def _spans(tokens: tuple[str, ...]) -> list[int]:
    """How many words each `<*>` of a template may hold beyond one (an empty list when
    none may): any number for the last one, as free text at the end of a message (error
    details), and for one that follows a label ("raised:", "Client:", "reason=") with
    words after it; up to MAX_NAME_WORDS words that start with a capital for one between
    two words ("sensor <*> reading" takes "DIMM A1 Temp"); in each case only after
    MIN_WORDS_FOR_STRETCH words (one for a name), which name the event; and any number
    that may be an object (`_object_start`) for the `<*>.` ending a sentence of fewer
    words ("Started <*>." takes "Docker Application Container Engine."); and a value
    with its aside in brackets (VALUE_ASIDE) for any other before a word or before a value
    in brackets, but not between two values ("from <*> [<*>]:25" takes "mx.example.com
    (helo)"), or at the end ("+++ <*>" takes "0.158.4 (null)"), and for a key's value
    after the template's first word ("sources=<*>" takes "[0] [1]"); and a last word of a
    template with no `<*>` of its own, with an aside of words ("closed" takes "closed
    (connection lost)"). One that holds a name may also hold a word and a value in either
    order (`_word_and_value`). Any other `<*>` holds one word: "Failed password for <*>
    from" was made from user names and does not take "invalid user <*>"."""
    if not tokens:
        return []
    if WILDCARD not in tokens and WILDCARD not in tokens[-1]:
        # A last word may have an aside in brackets after it.
        if len(tokens) > MIN_WORDS_FOR_STRETCH and tokens[-1].isalpha():
            return [0] * (len(tokens) - 1) + [VALUE_ASIDE]
        return []
    spans = [0] * len(tokens)
    words = 0
    last_place = len(tokens) - 1
    literal = False
    for place, token in enumerate(tokens):
        if token != WILDCARD:
            if (
                literal
                and place < last_place
                and token.endswith("=" + WILDCARD)
                and token.count(WILDCARD) == 1
                and tokens[place + 1] != WILDCARD
            ):
                spans[place] = VALUE_ASIDE
            words += _named(token)
            literal = literal or WILDCARD not in token
        elif words >= MIN_WORDS_FOR_STRETCH and (
            place == last_place
            or _ends_in_label(tokens[place - 1])
            or _dash_after_word(tokens, place - 1)
        ):
            spans[place] = ANY_WORDS
        elif (
            words
            and place < last_place
            and WILDCARD not in tokens[place - 1]
            and not tokens[place - 1].endswith(_LABEL_ENDS)
            and WILDCARD not in tokens[place + 1]
        ):
            spans[place] = MAX_NAME_WORDS
        elif words and (
            place == last_place
            or (
                tokens[place + 1] != WILDCARD
                and (WILDCARD not in tokens[place + 1] or WILDCARD not in tokens[place - 1])
            )
        ):
            spans[place] = VALUE_ASIDE
    last = tokens[-1]
    if last.startswith(WILDCARD) and 0 < words <= MIN_WORDS_FOR_STRETCH and _sentence_mark(last):
        # The object of a sentence of few words ("Started <*>.") is a name of any length.
        spans[-1] = SENTENCE_OBJECT
    elif last != WILDCARD and words > MIN_WORDS_FOR_STRETCH and _spanning_last(last):
        # Free text at the end, after its key or before its closing mark: "client <*>."
        # takes "client Windows Update Agent.", "application_name=<*>" takes
        # "application_name=PostgreSQL JDBC Driver".
        spans[-1] = ANY_WORDS
    return spans if any(spans) else []


_FIELD_LABEL = re.compile(r"[A-Za-z_][\w.\-]*:")


def _fields(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the labelled fields of a template stand, as (start, end): a label and the
    value after it ("username: <*>,", "tag: AUTHN,"). Not a key=value: in a record of
    those, the fields it has say what it is (Keycloak's CODE_TO_TOKEN_ERROR has a
    code_id, its other errors none; 389-DS's paged results a pr_idx)."""
    if ": " not in " ".join(tokens):
        return []  # no label before a value, found at once
    # A field's value ends in neither mark, so it never labels a field in turn.
    return [
        (place, place + 2)
        for place in range(len(tokens) - 1)
        if tokens[place][-1:] == ":"
        and _FIELD_LABEL.fullmatch(tokens[place])
        and not tokens[place + 1].endswith(_LABEL_ENDS)
    ]


def _without_one_tag(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The template without one of the tags in square brackets that lead it, where more
    words follow: a producer adds a tag when it has one (vsftpd's "[pid <*>] [ftpuser]
    FTP command:" once a user logged in, Suricata's "[Drop] [**] [1:2403300:90601]" for a
    packet it dropped)."""
    lead = 0
    while lead < len(tokens) - 2 and _square_tag(tokens[lead]):
        lead += 1
    if not lead or (lead == 1 and len(tokens) < 4) or lead > MAX_OPTIONAL_TOKENS:
        return []
    return [tokens[:place] + tokens[place + 1 :] for place in range(lead)]


def _without_one_aside(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The template without one aside in round brackets after a value or a name in square
    brackets, which a producer prints when it has one (Exim's "H=<*> (ylmf-pc) [<*>]:<*>"
    where a client's greeting named it otherwise than its address did; Proxmox's "state
    changed from '<*>' to '<*>' (node = <*>)"; NUT's "logged into UPS [myups] (SSL)"). Not
    after a word: Loghub labels "PCI: Probing PCI hardware (bus 00)" an event of its own;
    unless several reasons made it any reason ("fd=<*> closed (<*>)", see
    `_reasons_in_brackets`), which a line may leave out ("fd=<*> closed")."""
    if " (" not in " ".join(tokens):
        return []  # no aside after a first token, found at once
    places = [
        place
        for place in range(1, len(tokens))
        if tokens[place][:1] == "("
        and (
            WILDCARD in tokens[place - 1]
            or _square_tag(tokens[place - 1])
            or tokens[place].rstrip(".,;") == _ANY_REASON
        )
        and _ROUND_ASIDE.fullmatch(tokens[place])
        # A word's aside may end in the mark that ends the clause, which goes back to what
        # it followed: "from <*> (https), relayed to <*>" without its aside is "from <*>,
        # relayed to <*>". Not a list of values ("(DoT, <*> bytes),"), which says more.
        and not (_clause_mark(tokens[place]) and WILDCARD in tokens[place])
    ]
    if len(places) > MAX_OPTIONAL_TOKENS:
        return []
    return [
        (
            *tokens[: place - 1],
            tokens[place - 1] + _clause_mark(tokens[place]),
            *tokens[place + 1 :],
        )
        for place in places
    ]


def _clause_mark(aside: str) -> str:
    """The mark an aside in round brackets ends in ("," of "(https),"), or ""."""
    return aside[-1] if aside[-1] in ",;" else ""


def _optional_values(tokens: tuple[str, ...]) -> list[int]:
    """Places of the values between two words that a producer may leave out when it has
    none: Sinumerik's "Channel 1 block N882 syntax error" and "Channel 1 block syntax
    error" (no block number). Not between capitalized words, which may be a name's
    ("Column 2 Top Pressure" is no "Column Top Pressure")."""
    if WILDCARD not in tokens:
        return []
    places = [
        place
        for place in range(1, len(tokens) - 1)
        if tokens[place] == WILDCARD
        and tokens[place - 1].isalpha()
        and tokens[place - 1].islower()
        and tokens[place + 1].isalpha()
        and tokens[place + 1].islower()
    ]
    return places if len(places) <= MAX_OPTIONAL_TOKENS else []


# A name of lower-case parts joined by marks, as files, jobs and services are named
# ("daily.cld", "docs-site", "shop-api/main"): when it leads a line it says of what, as a
# tag does, not what happened.
_COMPOUND_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-/_.][a-z0-9%]+)+")
# Measures in brackets, each labelled: "(Views: <*> | ActiveRecord: <*>)".
_MEASURES = re.compile(r"\((?:[A-Za-z][\w ]*: <\*>(?: \| |, |; |\)))+[.,;]?")
# A reason in round brackets, in lower-case words, and the mark that may follow it: "(timed
# out)", "(client request).", "(stale/timeout).". Reasons of several lines make the first
# any reason.
_ANY_REASON = f"({WILDCARD})"
_REASON_ASIDE = re.compile(r"\([a-z][a-z /\-]*\)[.,;]?")
_ROUND_ASIDE = re.compile(r"\([^()]+\)[,;]?")


# The most tokens an optional part has (a label and its value, a separator and a value).
_MOST_OPTIONAL_TOKENS = 2


def _without_one_optional(tokens: tuple[str, ...], length: int) -> Iterable[tuple[str, ...]]:
    """The template without one of its optional parts, `length` tokens long."""
    if len(tokens) == length + _MOST_OPTIONAL_TOKENS:
        yield from _without_one_field(tokens)
        yield from _without_trailing_pair(tokens)
        yield from _without_one_separated(tokens)
    elif len(tokens) == length + 1:
        yield from _without_one_keyed(tokens)
        yield from _without_one_tag(tokens)
        yield from _without_one_aside(tokens)
        for place in _optional_values(tokens):
            yield tokens[:place] + tokens[place + 1 :]


_SEPARATORS = frozenset({"-", "|"})


def _without_one_separated(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The template without one value between two like separators and the separator after
    it: NATS names a client in quotes when it has a name ('cid:<*> - "<*>" - Client Ping
    Timer' and 'cid:<*> - Client Ping Timer')."""
    if not _SEPARATORS.intersection(tokens):
        return []
    places = [
        place
        for place in range(1, len(tokens) - 2)
        if tokens[place - 1] in _SEPARATORS
        and WILDCARD in tokens[place]
        and tokens[place + 1] == tokens[place - 1]
    ]
    if len(places) > MAX_OPTIONAL_TOKENS:
        return []
    return [tokens[:place] + tokens[place + 2 :] for place in places]


def _square_tag(token: str) -> bool:
    return len(token) > 2 and token[0] == "[" and token[-1] == "]"


def _without_one_field(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The template without one of its labelled fields, for each that stands between two
    others: one that opens a run of them may be what the line is about ("tag: AUTHN,"),
    and one that ends it is already optional where a `<*>` before it spans it ('host:
    "<*>"' takes 'host: "a", referrer: "b"')."""
    fields = _fields(tokens)
    if not fields or len(fields) > MAX_FIELDS_FOR_OPTIONAL:
        return []
    # Its neighbours may be key=values too ('remoteAddr="<*>", X-Forwarded-For: "<*>",
    # duration=<*>').
    keyed = [place for place, token in enumerate(tokens) if KEYED_FIELD.fullmatch(token)]
    starts = {start for start, _ in fields}.union(keyed)
    ends = {end for _, end in fields}.union(place + 1 for place in keyed)
    return [
        tokens[:start] + tokens[end:] for start, end in fields if start in ends and end in starts
    ]


# Keys whose field is never left out: the message's, and the level's.
_KEPT_KEYS = (*MESSAGE_KEYS, "level=", "lvl=")


def _without_one_keyed(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The template without one of its key=value fields, in a line whose message a key
    holds: the message names the event, and a field a producer adds when it has a value
    does not ('level=info msg="response completed" auth.user.name="deploy" go.version=<*>'
    and the same line of an anonymous request). Not in a record of key=values alone,
    whose fields say what it is (`_fields`)."""
    if not any(token.startswith(MESSAGE_KEYS) for token in tokens):
        return []
    keyed = [
        place
        for place, token in enumerate(tokens)
        if not token.startswith(_KEPT_KEYS) and KEYED_FIELD.fullmatch(token)
    ]
    if len(keyed) > MAX_KEYED_FOR_OPTIONAL:
        return []
    return [tokens[:place] + tokens[place + 1 :] for place in keyed]


# Words that relate a value to the event rather than name one more of its values:
# "changed from <*> to <*> through <*>" says who changed it, an event of its own.
_RELATING_WORDS = frozenset(
    {
        *("to", "from", "through", "by", "via", "for", "of", "in", "on", "at", "with"),
        *("into", "after", "before", "as", "than", "since", "until", "and", "or"),
    }
)


def _without_trailing_pair(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The template without the word and the value that end it after another value, which
    a producer adds when it has one (pgBackRest's "backup file <*> (<*>, <*>) checksum <*>"
    and "backup file <*> (<*>, <*>)" of a file it did not sum). Not after a word, where the
    pair is what the line reports ("sync finished, status <*>"), nor a relating word and
    its value (`_RELATING_WORDS`)."""
    if (
        len(tokens) >= 5
        and tokens[-1] == WILDCARD
        and tokens[-2].isalpha()
        and tokens[-2].islower()
        and tokens[-2] not in _RELATING_WORDS
        and WILDCARD in tokens[-3]
    ):
        return [tokens[:-2]]
    return []


def _value_and_aside(tokens: tuple[str, ...], start: int, end: int) -> bool:
    """Whether `tokens[start:end]` are a value and its aside in brackets: "<*> (raspberrypi)",
    "<*> (<*>)", "<*> [<*>]"."""
    return end - start == 2 and _ASIDE.fullmatch(tokens[end - 1]) is not None


def _word_and_value(tokens: tuple[str, ...], start: int, end: int) -> bool:
    """Whether `tokens[start:end]` are a word and a value in either order: "deploy <*>",
    which masking writes as one `<*>` when the word is a value too ("ec2-user 10.0.0.9"),
    and "<*> locally"; not a value and its unit ("<*> KB" is a size, as older masking
    wrote one)."""
    if end - start != 2:
        return False
    first, second = tokens[start], tokens[start + 1]
    if second == WILDCARD:
        return WILDCARD not in first
    return first == WILDCARD and WILDCARD not in second and second not in UNITS


def _most_words(span: int) -> float:
    """The most words a `<*>` of span `span` (see `_spans`) holds."""
    if span == VALUE_ASIDE:
        return 2
    if span < 0:
        return math.inf
    return max(span, 1)


def _runs_at(spans: list[int], place: int) -> bool:
    """Whether the `<*>` at `place` may hold a run of words (not only a value and its
    aside)."""
    return bool(spans) and spans[place] not in (0, VALUE_ASIDE)


def _name_like(token: str) -> bool:
    """Whether a token may be a word of a name: capitalized (but not a unit: "<*> KB" is
    a size), or a value."""
    return token == WILDCARD or (token[:1].isupper() and token not in UNITS)


def _spanning_last(token: str) -> bool:
    """Whether a template's last token, partly `<*>`, may span several words: a key
    ("name=<*>", "reason:<*>"), marks or nothing before its `<*>`, only marks after it."""
    before, _, after = token.partition(WILDCARD)
    return (
        WILDCARD not in after
        and (not before or before.endswith(_LABEL_ENDS) or not any(map(str.isalnum, before)))
        and not any(character.isalnum() for character in after)
    )


def _label_places(tokens: tuple[str, ...]) -> list[int]:
    """Places of the labels a run of several words may follow (see `_spans`). A field with
    its value and a colon ("tid=<*>:") ends a line's header: the words after it are the
    message, not a clause it labels."""
    places = []
    words = 0
    header = _header_length(tokens)
    for place, token in enumerate(tokens[:-1]):
        if token != WILDCARD:
            words += _named(token)
            if (
                words >= MIN_WORDS_FOR_STRETCH
                and (
                    (_ends_in_label(token) and not _level_after_header(token, place, header))
                    or _says_what_follows(tokens, place)
                )
                and not (_value_label(token) and "=" in token)
                and not _DASHED_NAME_LABEL.fullmatch(token)
            ):
                places.append(place)
    return places


# Words that say a reason follows ("because of a DTLS alert", "due to not_ready"), as a
# label says a value does.
_REASON_INTRODUCERS = frozenset({("because", "of"), ("due", "to")})
_ARTICLES = frozenset({"a", "an", "the"})


def _introduces_reason(tokens: tuple[str, ...] | list[str], place: int) -> bool:
    """Whether the token ends the words that introduce a reason: "of" of "because of",
    or the article after them."""
    if tokens[place] in _ARTICLES:
        place -= 1
    return place > 0 and (tokens[place - 1].lower(), tokens[place]) in _REASON_INTRODUCERS


def _says_what_follows(tokens: tuple[str, ...] | list[str], place: int) -> bool:
    """Whether words, not a label, say what follows them: a dash after a word ("failed -
    Data stale"), or the words that introduce a reason ("because of a DTLS alert")."""
    return _dash_after_word(tokens, place) or _introduces_reason(tokens, place)


def _level_after_header(token: str, place: int, header: int) -> bool:
    """Whether the token, at `place`, is a level's name and its colon after a header of
    `header` fields and values ("pid=<*> tid=<*> INFO: Shutting down"): the message
    follows, which it does not label."""
    return place <= header and token[:-1].lower() in LEVEL_NAMES


def _header_length(tokens: tuple[str, ...] | list[str]) -> int:
    """How many tokens lead the line as fields, values and tags only ("pid=<*> tid=<*>",
    "[LYXKC]")."""
    length = 0
    for token in tokens:
        if WILDCARD not in token and "=" not in token and not _square_tag(token):
            break
        length += 1
    return length


def _opens_unclosed(token: str) -> bool:
    """Whether a label opens a square or an angle bracket it does not close ("<[severity-
    value:" of WebLogic's "<[severity-value: 64] [rid: 0] ...>"): its value ends where the
    bracket does, and no run of words after that is the label's."""
    return token.count("[") > token.count("]") or token.count("<") > token.count(">")


# A name whose last part is one letter, and its colon ("stor-b:", DRBD's peer): the A or
# B of a pair of hosts or devices, which speaks, and ends a line's header as "tid=<*>:"
# does; a field's label never ends so.
_DASHED_NAME_LABEL = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[a-z]:")


def _new_neighbours(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """Whether `after` has two neighbouring `<*>` where `before`, as long, had not."""
    return any(
        after[place] == after[place + 1] == WILDCARD
        and not before[place] == before[place + 1] == WILDCARD
        for place in range(len(after) - 1)
    )


def _agreeing(one: tuple[str, ...], other: tuple[str, ...], limit: int) -> int:
    """How many leading tokens of the two agree (see `_agree`)."""
    count = 0
    for a, b in zip(one[:limit], other[:limit], strict=True):
        if a != b and not _agree(a, b):
            break
        count += 1
    return count


def _agree(a: str, b: str) -> bool:
    """Whether two tokens of templates agree: equal, or one covers the other."""
    return a == b or _token_covers(a, b) or _token_covers(b, a)


def _gap_skeleton(
    tokens: tuple[str, ...], family: tuple[Cluster, ...], head: int, tail: int
) -> tuple[str, ...] | None:
    """The message's first `head` and last `tail` tokens around one `<*>`, each token the
    most general of the family's at its place; None when too little is left to name an
    event (see `TemplateMiner._gap_family`)."""
    members = [tokens, *(cluster._tokens for cluster in family)]
    if any(MESSAGE_LABELS.intersection(member[head : len(member) - tail]) for member in members):
        return None
    start = [_most_general([member[place] for member in members]) for place in range(head)]
    end = [
        _most_general([member[len(member) - tail + place] for member in members])
        for place in range(tail)
    ]
    # The run is a field's value (it follows a label: "raised:", "Client:", "reason=") or
    # a name between two words, and words follow it; or it ends the message after a label
    # that is a word ("statement: <*>", "error: <*>": a clause that says why). Other runs
    # that end the message are left to the sibling rule: "Received disconnect from <*>:
    # 11: Bye Bye" and "...: 11: disconnected by user" are two events.
    if not start or start[-1] == WILDCARD:
        return None
    if not (any(map(_named, end)) or (not end and _labels_at(start, len(start) - 1))):
        return None
    # Neighbouring `<*>` read as one, as masking writes them.
    skeleton = tuple(start)
    for token in (WILDCARD, *end):
        if token != WILDCARD or skeleton[-1] != WILDCARD:
            skeleton += (token,)
    spans = _spans(skeleton)
    if sum(map(_named, skeleton)) < MIN_WORDS_AROUND_GAP or not _runs_at(spans, len(start)):
        return None
    return skeleton


def _reasons_skeleton(
    tokens: tuple[str, ...], aligned: list[tuple[int, int, Cluster]]
) -> tuple[list[Cluster], tuple[str, ...]] | None:
    """REASONS_FOR_VARIABLE templates and the message that share a start ending in a
    value and then end in different words, each a few: the words say what became of
    the value, of one event ("host [<*>] not found", "host [<*>] not monitored", "host
    [<*>] is monitored by a proxy", ...), also after a value ending in ":" ("from <*>:
    timeout while waiting for data"), except error texts in C's manner there ("file <*>:
    Permission denied", see `_error_text`), which Loghub labels as events of their own;
    nor sentences longer than REASON_WORDS_MAX ("The web application [<*>] registered the
    JDBC driver [<*>] but failed to unregister it when ..."), which are."""
    for head in sorted({head for head, _, _ in aligned}, reverse=True):
        family = [cluster for other, _, cluster in aligned if other >= head]
        if len(family) + 1 < REASONS_FOR_VARIABLE:
            continue
        members = [tokens, *(cluster._tokens for cluster in family)]
        if len({member[-1] for member in members}) == 1:
            return None  # they end alike: not free text to the end
        starts = {member[head : head + 2] for member in members}
        if len(starts) < len(members) and not (
            # After a value and its colon, reasons in words may begin alike when most
            # begin otherwise ("for <*>: Stream closed by peer: <*>", "...: Stream closed
            # by local host: <*>", "...: Stream reset by peer", "...: Connection failed:
            # <*>", ejabberd's reasons for closing a session).
            len(starts) >= REASONS_FOR_VARIABLE - 1
            and all(member[head - 1].endswith(":") and _named(member[head]) for member in members)
        ):
            # Two start alike ("failed to connect to <*>: java.net.ConnectException",
            # "failed to connect to <*>: java.net.NoRouteToHostException"): variants of
            # one saying, whose own templates may still merge, not several reasons.
            return None
        # A reason says it in words; runs of fields ('taskqueue-size="<*>"') name by their
        # keys what a line reports, each set of keys a report of its own.
        if not all(
            any(_named(token) and WILDCARD not in token for token in member[head:])
            and len(member) - head <= REASON_WORDS_MAX
            for member in members
        ):
            return None
        start = tuple(_most_general([member[place] for member in members]) for place in range(head))
        if (
            WILDCARD not in start[-1]
            or start[-1] == WILDCARD  # "<*> <*>": the value would swallow the reason
            or (start[-1].endswith(":") and all(map(_error_text, (m[head:] for m in members))))
            or sum(map(_named, start)) < MIN_WORDS_AROUND_GAP
        ):
            return None
        skeleton = (*start, WILDCARD)
        spans = _spans(skeleton)
        runs = any(_runs_at(spans, place) for place in range(len(spans)))
        return (family, skeleton) if runs else None
    return None


def _error_text(words: tuple[str, ...]) -> bool:
    """Whether the words are a system error's text, as the C library words it ("No such
    file or directory", "Permission denied", "Bad file descriptor")."""
    return " ".join(words).rstrip(".") in SYSTEM_ERRORS


def _sentence_skeleton(
    tokens: tuple[str, ...], family: tuple[Cluster, ...], head: int
) -> tuple[str, ...] | None:
    """The first `head` tokens and `<*>.` when the message and the family are sentences
    whose object varies: each ends in the same mark, the word before the run is a plain
    word, and one run has several words ("Started <*>." of "Started Docker Engine.",
    "Started Session 3 of user root.")."""
    members = [tokens, *(cluster._tokens for cluster in family)]
    mark = _sentence_mark(tokens[-1])
    if not mark or any(_sentence_mark(member[-1]) != mark for member in members):
        return None
    if not tokens[head - 1].isalpha() or all(len(member) - head < 2 for member in members):
        return None
    # The object is a name or a description, not a word of the sentence and a name; nor
    # does it hold a value and its colon, or a speaker's name and its colon, which make
    # the word before it a speaker ("EtherCAT 0: Domain 1: ...", "EtherCAT WARNING 0-1:
    # ...", "drbd pgwal stor-a: PingAck did not arrive in time."), not a verb.
    if not all(_object_start(member, head) for member in members):
        return None
    # Nor is a verb's particle ("logged in via <*>.", "logged out via WBM."): two verbs.
    if any(member[head] in _PARTICLES for member in members):
        return None
    if any(
        _value_label(token) or _DASHED_NAME_LABEL.fullmatch(token)
        for member in members
        for token in member[head:]
    ):
        return None
    start = tuple(_most_general([member[place] for member in members]) for place in range(head))
    # Words only up to the object: "Took <*> to <*>." would make one event of many; and
    # words, not a level's letter or name, or a component's camelCase name ("W <*>.",
    # "INFO <*>.", "Info aaEngine <*>." of every line).
    if not all(word.isalpha() and len(word) > 1 for word in start) or all(
        word.lower() in LEVEL_NAMES or _CAMEL_CASE.search(word) for word in start
    ):
        return None
    # And a verb among them, as systemd's ("Started", "Reached target", "Dependency failed
    # for"), or a command in capitals ("DBCC CHECKDB <*>."): a subject alone says nothing
    # of what became of it ("Battery <*>." of "Battery disconnected.", "Battery power
    # exhausted.").
    if not (
        any(_VERB_FORM.fullmatch(word.lower()) for word in start) or all(map(str.isupper, start))
    ):
        return None
    return (*start, WILDCARD + mark)


def _code_skeleton(one: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...] | None:
    """A template for the messages of two templates of one code, if they share most
    words: each word of theirs that agrees, and one `<*>` for the words between (in
    place for templates of one length)."""
    if len(one) == len(other):
        agree = [_agree(a, b) for a, b in zip(one, other, strict=True)]
        skeleton = tuple(
            _most_general([a, b]) if agrees else WILDCARD
            for a, b, agrees in zip(one, other, agree, strict=True)
        )
        shared = sum(agree)
    else:
        shortest = min(len(one), len(other))
        head = _agreeing(one, other, shortest)
        tail = _agreeing(one[::-1], other[::-1], shortest - head)
        start = [_most_general([one[place], other[place]]) for place in range(head)]
        end = [_most_general([one[-tail + place], other[-tail + place]]) for place in range(tail)]
        skeleton = tuple(start)
        for token in (WILDCARD, *end):
            if token != WILDCARD or not skeleton or skeleton[-1] != WILDCARD:
                skeleton += (token,)
        shared = head + tail
    if 2 * shared <= min(len(one), len(other)) or sum(map(_named, skeleton)) < MIN_WORDS_AROUND_GAP:
        return None
    return skeleton


# A vendor's message code: letters (one past "F", which hex digits are not, or before a
# dash), then four digits or more, maybe after a severity digit ("%ASA-6-302014",
# "AMQ222067", "AH01630", "WFLYSRV0028", "BEA-000627"), and a colon, or in angle brackets
# as WebLogic writes it; it heads the message, after parts in brackets and a level's name
# if any ("WARN  [org.apache.activemq] AMQ222067:", "[client 10.0.0.1:5] AH01630:",
# "<Info> <JDBC> <ms1> ... <BEA-001129>").
_CODE = r"%?(?:(?=[A-Z]*[G-Z])[A-Z]{2,}[-_]?|[A-Z]{2,}-)(?:[0-9][-_])?[0-9]{4,}[A-Z]?"
_HEADER_PART = rf"\[[^\]]*\]|\([^)]*\)|<+[^<>]*>+|(?i:{'|'.join(sorted(LEVEL_NAMES))})"
# Or a number that heads a titled message, as robot controllers number their events
# ("10151 Program started: Task T_ROB1 has started to execute. ...").
_TITLED_NUMBER = r"([0-9]{4,6}) (?=[A-Z][a-z]+(?: [A-Za-z/\-]+){0,5}: )"
_MESSAGE_CODE = re.compile(
    rf"(?:(?:{_HEADER_PART}) +){{0,12}}?(?:<({_CODE})>|({_CODE}):(?: |$)|{_TITLED_NUMBER})"
)


_CAMEL_CASE = re.compile(r"[a-z][A-Z]")


# A function or a source file, and its line: "qemuProcessStop:<*>", "(Bar.java:<*>)",
# "controller_utils.go:<*>]", "repo/view.go:<*>(repo.Home)". A function's name is camelCase
# here: "user:<*>" or "port:<*>" are keys with their values, not places in code.
_CODE_PLACE = re.compile(
    r"[(\[]?(?:[a-z_][a-z0-9_]*[A-Z]\w*|[\w.$/-]+\.(?:go|java|kt|scala|py|rb|rs|c|cc|cpp|cxx|h|hpp"
    r"|js|ts|cs|php|swift|m|lua)):<\*>(?:\([A-Za-z_][\w.]*\))?[)\]:,]*$"
)


def _word_or_list_in_brackets(token: str) -> int:
    """1 for one word in brackets ("(UDP),"), -1 for a list in brackets that holds a
    value ("(DoT, <*> bytes),"; phrases in brackets are one token: see `bracket_groups`),
    0 for anything else (a name of several words: "(weigh scale <*>)")."""
    if token[:1] not in _OPENING_BRACKETS:
        return 0
    if " " not in token:
        return 1 if WILDCARD not in token and any(map(str.isalpha, token)) else 0
    return -1 if WILDCARD in token and ", " in token else 0


def _is_tag(token: str) -> bool:
    """A word in square brackets: "[sshd]", "[main]", "[WARNING]"; or in braces, as
    Aerospike names a namespace: "{sessions}"; a module and what it serves, as PAM names
    its speakers: "pam_sss(sshd:auth):"; or a program and its process, as syslog does:
    "pvedaemon[<*>]:"."""
    return _square_tag(token) or bool(
        _SERVING.fullmatch(token)
        or _PROGRAM.fullmatch(token)
        or _CURLY_TAG.fullmatch(token)
        or _COUNTED_TAG.fullmatch(token)
    )


def _is_aside(token: str) -> bool:
    """A word in round brackets: "(root)", "(<*>)"."""
    return len(token) > 2 and token[0] == "(" and token[-1] == ")" and " " not in token


# A program and its process, as syslog names the speaker: "pvedaemon[<*>]:".
_PROGRAM = re.compile(r"[A-Za-z][\w.-]*\[<\*>\]:")
_CURLY_TAG = re.compile(r"\{[A-Za-z][\w.\-]*\}")
# A name and the number of its run in round brackets, as the JVM's unified logging tags
# each line of one collection: "GC(898)".
_COUNTED_TAG = re.compile(r"[A-Za-z][\w.\-]*\(<\*>\)")


def _tags_of_one_speaker(tags: list[str]) -> bool:
    """Whether the tags are one speaker's words for what it did ("[UFW BLOCK]", "[UFW
    ALLOW]", "[UFW LIMIT BLOCK]"): tags of several words with the same first word. What
    follows the speaker names the event, as a first word does."""
    speakers = {tag[1:].split(" ", 1)[0] for tag in tags if " " in tag}
    return len(speakers) == 1 and all(" " in tag for tag in tags)


def _outcomes(words: list[str]) -> bool:
    """Whether the words say what became of something: "started", "Stopped", "deleted."."""
    return all(_PAST_PARTICIPLE.fullmatch(word.lower()) for word in words)


# Words after which a word says what a thing became: "is now dead.", "became primary".
_BECOMING = frozenset({"now", "became", "becomes"})


def _became(before: str, words: list[str]) -> bool:
    """Whether the words, after `before`, say what a thing became ("is now asleep."); in
    capitals, they name a state as a program's constant does, a value ("Input [<*>] is
    now RUNNING", "... STOPPING")."""
    if before not in _BECOMING:
        return False
    stripped = [word.rstrip(".!;,") for word in words]
    return all(word.isalpha() and word.islower() for word in stripped)


def _aside_run(tokens: tuple[str, ...]) -> bool:
    """Whether the tokens are one phrase in brackets: "(Lifecycle Event)"."""
    text = " ".join(tokens)
    return text[:1] == "(" and text[-1:] == ")" and text.count("(") == 1 == text.count(")")


def _devices_speaking(words: list[str], after: tuple[str, ...]) -> bool:
    """Whether the words that lead lines are names of one kind of device, each set apart by
    its colon ("sdf:", "sdak:", "sdbl:" of multipathd; "sshg-fw-ipset:" of SSHGuard), or by
    a value in brackets and its colon `after` them ("sdc [8:32]:"): they share a stem,
    where words that say what happened do not ("ok:", "changed:", "skipping:" of
    Ansible)."""
    if after and after[0][:1] in _OPENING_BRACKETS and after[0].endswith(("]:", "):")):
        names = list(words)
    else:
        names = [word[:-1] for word in words if word[-1:] == ":"]
    return (
        len(names) == len(words)
        and all(name.replace("-", "").isalnum() and name.islower() for name in names)
        and len({name[:2] for name in names}) == 1
        and all(len(name) > 2 for name in names)
    )


def _reasons_in_brackets(words: list[str], before: str) -> bool:
    """Whether the words are reasons in round brackets, after a word ("closed (timed
    out)", "closed (client request).") or, said in several words or as a sentence's end,
    after a value ("using <*> (client queue)."). One word after a value is the value's
    kind: "<*> - <*> (reserved)" and "<*> - <*> (usable)" are two kinds of memory."""
    if not all(map(_REASON_ASIDE.fullmatch, words)):
        return False
    return WILDCARD not in before or all(" " in word or word[-1] == "." for word in words)


def _one_noun_counted(words: list[str]) -> bool:
    """Whether the words are one noun, in the singular and the plural, as a count says
    it ("1 datagram TIMED OUT", "3 datagrams TIMED OUT")."""
    singular = min(words, key=len)
    return singular.isalpha() and all(
        word in (singular, singular + "s", singular + "es") for word in words
    )


def _one_word_of_several_arguments(words: list[str]) -> bool:
    """Whether the words are one word said of what is in its brackets ("query[A]",
    "query[AAAA]", "query[MX]"): the word names the event, the brackets hold a value."""
    arguments = [_ARGUMENT.fullmatch(word) for word in words]
    return None not in arguments and len({match.group(1, 2) for match in arguments}) == 1


# A word, its bracket, what it is said of, and the rest: "query[" "AAAA" "]".
_ARGUMENT = re.compile(r"([A-Za-z][\w.-]*[\[(])[^\[\]()]+([\])]:?)")


_SERVING = re.compile(r"[A-Za-z][\w.-]*\([\w.:<*>-]+\):")


# Words that finish a verb: "logged in", "logged out", "powered off" are verbs of their own.
_PARTICLES = frozenset(("in", "out", "on", "off", "up", "down", "over", "back", "away"))


def _object_start(tokens: tuple[str, ...], place: int) -> bool:
    """Whether the object of a sentence may start at `place`: a name ("Docker Engine"), or
    a description in lower case ("containerd container runtime"), but not a word that
    says what kind of thing the name after it is ("target Local File Systems")."""
    first = tokens[place]
    return (
        _name_like(first)
        or not first.isalpha()
        or place + 1 == len(tokens)
        or not _name_like(tokens[place + 1])
    )


def _value_label(token: str) -> bool:
    """Whether the token is a value that ends in a colon ("<*>:", "[<*>]:")."""
    return token[-1] == ":" and WILDCARD in token


def _sentence_mark(token: str) -> str:
    """The full stop or ellipsis that ends a sentence's last word (or `<*>`), else ""."""
    stripped = token.rstrip(".")
    ends_in_word = stripped[-1:].isalnum() or stripped.endswith(WILDCARD)
    return token[len(stripped) :] if ends_in_word else ""


def _names(tokens: tuple[str, ...], family: tuple[Cluster, ...], head: int, tail: int) -> bool:
    """Whether the runs of words between the first `head` and the last `tail` tokens of the
    message and the family are names: one of several words, none of more than
    MAX_NAME_WORDS, all capitalized ("Inlet Temp", "DIMM <*> Temp", "PSU1")."""
    runs = [member[head : len(member) - tail] for member in (tokens, *(c._tokens for c in family))]
    return (
        WILDCARD not in tokens[head - 1]
        and WILDCARD not in tokens[len(tokens) - tail]
        and any(len(run) > 1 for run in runs)
        and all(len(run) <= MAX_NAME_WORDS and all(map(_name_like, run)) for run in runs)
    )


def _most_general(values: list[str]) -> str:
    first = values[0]
    if all(value == first for value in values):
        return first
    for value in values:
        if WILDCARD in value and all(_token_covers(value, other) for other in values):
            return value
    return WILDCARD


# A segment of a route that is a word ("/products/" in "/products/<*>").
_ROUTE_WORDS = re.compile(r"/[A-Za-z][A-Za-z_\-]*(?=[/?]|$)")
_OPENING_BRACKETS = frozenset("([{")
# A label in capitals, which names what was done: "DELETE:", "MKDIR:".
_CAPITAL_LABEL = re.compile(r"[A-Z][A-Z_\-]+:")
_TOPIC_KIND = re.compile(r"[a-z]+/<\*>/[A-Z]{2}[A-Z_]*(?:<\*>)?")
# A token's head: its first word and the mark after it ("/products/", "action:").
_HEAD = re.compile(r"[^\w<]*\w[\w\-]*[^\w\-]")


def _kin(family: list[Cluster], position: int, value: str) -> list[Cluster]:
    """The clusters of a family whose word at `position` starts as `value` does: among
    "/products/shoes", "/products/hats", "/healthz" and "/static/<*>", the products."""
    head = _HEAD.match(value)
    if head is None:
        return family
    return [cluster for cluster in family if cluster._tokens[position].startswith(head.group())]


def _labelled_in_token(others: list[str], token: str) -> bool:
    """Whether the tokens differ only after a label inside them: "(using password: <*>)"."""
    words = _common_shape([*others, token]).partition(WILDCARD)[0].split()
    return bool(words) and _is_label(words[-1])


# Keys whose value is the message itself, whose words name the event, as logfmt's
# 'msg="' does: "clientid: c1, msg: dropped_msg_due_to_mqueue_is_full, topic: t/1".
MESSAGE_LABELS = frozenset({"msg:", "message:"})


def _ends_in_label(token: str) -> bool:
    """Whether the token ends as a label or a key does ("target:", "reason="), and is not
    one of the keys whose value is the message itself."""
    return token.endswith(_LABEL_ENDS) and token not in MESSAGE_LABELS


def _labels_at(tokens: tuple[str, ...] | list[str], place: int) -> bool:
    """Whether the token at `place` labels what follows it: a label ("reason:"), a dash
    after a word ("failed - Data stale", "failed - Connection refused"), or the words that
    introduce a reason ("because of a DTLS alert")."""
    token = tokens[place]
    return (
        _is_label(token) and not _level_after_header(token, place, _header_length(tokens))
    ) or _says_what_follows(tokens, place)


def _dash_after_word(tokens: tuple[str, ...] | list[str], place: int) -> bool:
    """A lone "-" after a word says what follows, as a colon would: "Poll UPS [<*>] failed
    - Data stale". After a value it is a field left empty ('<*> - "GET /x HTTP/1.1"')."""
    return (
        tokens[place] == "-"
        and place > 0
        and WILDCARD not in tokens[place - 1]
        and _named(tokens[place - 1])
    )


def _is_label(token: str) -> bool:
    """A word that names the value after it ("target:"), not a value ending in a colon
    ("<*>:", a queue id) nor a key with an empty value ("ruser=")."""
    return (
        token.endswith(":")
        and WILDCARD not in token
        and _named(token)
        and token not in MESSAGE_LABELS
    )


def _common_shape(values: list[str]) -> str:
    """`<*>` for the place where the values differ, keeping what they share around it:
    "action:SCREEN_ON" and "action:TIME_TICK" give "action:<*>"."""
    first = values[0]
    prefix = min(_shared_prefix(first, value) for value in values)
    suffix = min(_shared_prefix(first[::-1], value[::-1]) for value in values)
    # Cut back to punctuation: "action:" is shared text, the "S" of "SCREEN", "SLEEP" is not,
    # nor the "fe_" of "fe_http", "fe_api": "_" and "-" join the parts of one name.
    while prefix and _in_name(first[prefix - 1]):
        prefix -= 1
    while suffix and _in_name(first[len(first) - suffix]):
        suffix -= 1
    # What is kept around the `<*>` opens as many brackets as it closes, so that a phrase
    # in brackets stays one token when the template is split at its spaces on restore
    # ("(Error: Bind <*> <*>)", not "(Error: Bind <*> <*>))").
    while suffix and not balanced(first[:prefix] + first[len(first) - suffix :]):
        suffix -= 1
    while prefix and not balanced(first[:prefix] + first[len(first) - suffix :]):
        prefix -= 1
    if prefix + suffix >= min(len(value) for value in values):
        return WILDCARD
    return f"{first[:prefix]}{WILDCARD}{first[len(first) - suffix :]}"


def _in_name(character: str) -> bool:
    return character.isalnum() or character in "_-"


def _shared_prefix(one: str, other: str) -> int:
    size = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        size += 1
    return size
