"""Tell web boilerplate lines ("Follow us on", breadcrumbs, share buttons, captions) from article text.

Crawled article text keeps the page furniture around the story. No list of
phrases can name it all, so each line is classified from general features,
in the spirit of jusText (Pomikálek, 2011):

- intrinsic features: its length in words, whether it ends like a sentence,
  its stop-word density (prose is full of "the", "of", "and"; menus are not),
  its share of capitalised words, navigation marks (» › |), the share of its
  words that belong to a web interface (share, follow, comment, subscribe,
  cookie, sign in, terms...), a dangling last word ("...conditions of"), a
  whole-line [bracketed] caption;
- its zone: lines before the first or after the last prose line are the
  page's header and footer, where a short line that is not a sentence is a
  label ("Syria war", "Today", "Source"), not content, unless it states
  figures or is a list item (or heads a list): tables and lists often close
  an article;
- its context: a short line between boilerplate lines is boilerplate, a short
  line next to prose is kept (interior subheadings such as "Other withdrawals").

Prose is never removed, so removal is idempotent: a second pass finds the
same prose lines, hence the same zones and the same neighbours.
"""

from __future__ import annotations

import re
from enum import Enum

from currents.config import TextConfig

# Function words of English; their density separates prose from labels and menus.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves""".split()
)

# Words of web-page interfaces rather than of news prose.
INTERFACE_WORDS = frozenset(
    """share shared sharing follow comment comments commenting subscribe subscribed subscription
    subscriptions unsubscribe newsletter newsletters cookie cookies login logout signin signup sign log
    register registration password account print email e-mail tweet retweet facebook twitter whatsapp
    linkedin instagram pinterest reddit youtube telegram rss advertisement advertisements advert
    advertising sponsored copyright © homepage menu navigation posting posted terms conditions
    privacy policy click tap guest related trending popular recommended loading javascript
    browser download permalink reply replies skip read photo photos gallery""".split()
)

# Words a finished line does not end with; a line ending in one was cut off
# ("...you agree to the terms and conditions of").
DANGLING_WORDS = frozenset(
    "a an the of to and or but on in at by for from with into as via our your us this that than".split()
)

_NAVIGATION_MARK = re.compile(r"[»«›‹|→←▸►]")
_NAVIGATION_SEPARATOR = re.compile(r"\s*(?:[»«›‹|→←▸►]|\s>\s)\s*")
# Word-based features of a line are measured on at most this many characters (see `line_features`).
_SAMPLE_CHARS = 300
_LINK = re.compile(r"https?://|www\.", re.I)
# A number as a fact states it: "595", "1,001", "7/10", "1947-65", "€554,000", "12%" (not "MH370", "S5").
_FIGURE = re.compile(r"(?<!\S)[$€£¥(]?\d[\d.,:/%–-]*(?:m|bn|k|st|nd|rd|th)?[),.;:]?(?!\S)")
# Bullets, dashes and numbers that open the items of a list.
_LIST_ITEM = re.compile(r"^(?:[-–—•*·▪]\s|\d{1,3}[.)]\s)")
# A word: letters and digits, with apostrophes, hyphens, dots or ampersands inside ("don't", "U.S.", "AT&T").
# Written as runs of letters and digits joined by runs of those marks, with possessive repeats, it never
# backtracks: a tenth faster than the same words as "a letter or digit, any word marks, a letter or digit".
_WORD = re.compile(r"[^\W_]++(?:[_'’.&-]++[^\W_]++)*+")
# A sentence ends with one of these, perhaps followed by closing quotes or brackets.
_SENTENCE_STOPS = frozenset(".!?…:")
_CLOSING = "\"'”’)]"
_BRACKETED = re.compile(r"^\[[^\[\]]+\]$")


class Label(str, Enum):
    PROSE = "prose"  # a sentence or paragraph of the article
    TEXT = "text"  # long enough to be content, but not sentence-like (standfirst, list item)
    SHORT = "short"  # too short to judge alone: decided by zone and neighbours
    BOILERPLATE = "boilerplate"
    BLANK = "blank"


class LineFeatures:
    """The features the classifier reads from one line of text.

    Its words, length and ending are measured at once; the other features only
    when asked for. Most lines are settled by the first three and their stop
    words (a long sentence is never page furniture, and a line with a function
    word is never a menu), so the costlier features are computed only for the
    few lines that get that far.

    Shares (stop words, capitals, interface words) and figures of a long line
    are measured on its first `_SAMPLE_CHARS` characters, and its length in
    words is extrapolated from them: a paragraph's first sentences say what it
    is, and the cost stays flat however long the paragraph.
    """

    def __init__(self, line: str) -> None:
        self.text = line.strip()
        self.sample = self.text[:_SAMPLE_CHARS]
        self.tokens: list[str] = _WORD.findall(self.sample) if self.text else []
        self.words = self._word_count()
        self.ends_sentence = self.text.rstrip(_CLOSING)[-1:] in _SENTENCE_STOPS

    def _word_count(self) -> int:
        found = len(self.tokens)
        return found if len(self.sample) == len(self.text) else round(found * len(self.text) / len(self.sample))

    @property
    def stopword_density(self) -> float:
        return sum(map(STOP_WORDS.__contains__, map(str.lower, self.tokens))) / (len(self.tokens) or 1)

    @property
    def capitalised_share(self) -> float:
        initials = [word[0] for word in self.tokens if word[0].isalpha()]
        return sum(map(str.isupper, initials)) / (len(initials) or 1)

    @property
    def navigation(self) -> bool:
        """Navigation marks (» › |) between the line's parts: a breadcrumb or a menu."""
        return bool(_NAVIGATION_MARK.search(self.text)) or " > " in self.text

    @property
    def interface_share(self) -> float:
        """Share of the words that speak of the page rather than the news: interface
        words, links, and a dangling last word ("Follow us on", "...conditions of")."""
        text, sample = self.text, self.sample
        dangling = bool(self.tokens) and not self.ends_sentence and text.rsplit(None, 1)[-1].lower() in DANGLING_WORDS
        hits = sum(map(INTERFACE_WORDS.__contains__, map(str.lower, self.tokens))) + sample.count("©") + dangling
        if "http" in text or "www." in text:
            hits += len(_LINK.findall(sample))
        return hits / (len(self.tokens) or 1)

    @property
    def bracketed(self) -> bool:
        return bool(_BRACKETED.match(self.text))

    @property
    def clause_punctuation(self) -> bool:
        """Commas, semicolons or parentheses: items of a sentence or list, not of a menu."""
        return any(mark in self.sample for mark in ",;()")

    @property
    def data(self) -> bool:
        """Figures or a list bullet: a fact, a table row, a list item, whatever its zone."""
        return bool(_FIGURE.search(self.sample) or _LIST_ITEM.match(self.text))


def line_features(line: str) -> LineFeatures:
    """The features of one line (computed lazily, see `LineFeatures`)."""
    return LineFeatures(line) if line and not line.isspace() else _BLANK_FEATURES


_BLANK_FEATURES = LineFeatures("")


def split_navigation(line: str) -> list[str]:
    """The parts of a breadcrumb or menu line ("Home » World » Title" -> three parts)."""
    return [part for part in _NAVIGATION_SEPARATOR.split(line.strip()) if part]


def is_interface_line(features: LineFeatures, config: TextConfig) -> bool:
    """A line that is page furniture by itself, whatever surrounds it.

    Only the strong signals: a caption in brackets, navigation marks outside
    a sentence, or a high share of interface words in a line that is not a
    long sentence (news prose says "shares", "terms" and "comment" too).
    """
    if features.bracketed:
        return True
    if not features.ends_sentence and features.navigation:
        return True
    long_sentence = features.ends_sentence and features.words >= config.short_line_words
    return not long_sentence and features.interface_share >= config.interface_word_share


def intrinsic_label(features: LineFeatures, config: TextConfig) -> Label:
    """What a line is on its own, before its zone and neighbours are considered."""
    if features.words == 0:
        return Label.BLANK
    if is_interface_line(features, config):
        return Label.BOILERPLATE
    if features.words < config.short_line_words:
        return Label.SHORT
    sentence_like = features.ends_sentence or features.words >= config.paragraph_words
    if sentence_like and features.stopword_density >= config.prose_stopword_density:
        return Label.PROSE
    if _is_menu(features, config):
        return Label.BOILERPLATE
    return Label.TEXT


def _is_menu(features: LineFeatures, config: TextConfig) -> bool:
    """Capitalised words side by side, without a function word, a comma or a figure: a menu or tag list."""
    return (
        features.stopword_density == 0
        and not features.clause_punctuation
        and not features.data
        and features.capitalised_share >= config.menu_capitalised_share
    )


def classify(lines: list[str], config: TextConfig) -> list[Label]:
    """One label per line: PROSE, TEXT and kept SHORT lines are content; BOILERPLATE is not."""
    features = [line_features(line) for line in lines]
    labels = [intrinsic_label(feature, config) for feature in features]
    content = [i for i, label in enumerate(labels) if label in (Label.PROSE, Label.TEXT)]
    if not content:
        # Nothing to anchor zones or neighbours on (a one-line summary, a short
        # list): keep every line that is not boilerplate by itself.
        return labels
    prose = [i for i, label in enumerate(labels) if label is Label.PROSE] or content
    first_prose, last_prose = prose[0], prose[-1]
    decided = list(labels)
    for i, label in enumerate(labels):
        if label is not Label.SHORT:
            continue
        outside = i < first_prose or i > last_prose
        if outside and not features[i].ends_sentence and not _is_or_heads_data(features, labels, i, config):
            decided[i] = Label.BOILERPLATE
        elif _neighbour(labels, i, -1) is _neighbour(labels, i, 1) is Label.BOILERPLATE:
            decided[i] = Label.BOILERPLATE
    return decided


def _is_or_heads_data(features: list[LineFeatures], labels: list[Label], index: int, config: TextConfig) -> bool:
    """A figure or list line, or the heading of one ("Laiki Bank" above "– Former MP: €39,000 loan").

    The line below is the next one that is not blank or boilerplate by itself,
    so that the answer is the same once that boilerplate is gone.
    """
    if features[index].data:
        return True
    below = (i for i in range(index + 1, len(labels)) if labels[i] not in (Label.BLANK, Label.BOILERPLATE))
    following = next(below, None)
    if following is None or not features[following].data:
        return False
    return not (features[following].ends_sentence and features[following].words >= config.short_line_words)


def _neighbour(labels: list[Label], index: int, step: int) -> Label:
    """The nearest line in one direction that is not short or blank; the document edge counts as boilerplate."""
    index += step
    while 0 <= index < len(labels):
        if labels[index] not in (Label.SHORT, Label.BLANK):
            return labels[index]
        index += step
    return Label.BOILERPLATE


def remove_boilerplate(lines: list[str], config: TextConfig) -> list[str]:
    """`lines` without the boilerplate ones (blank lines kept, so paragraphs stay apart)."""
    labels = classify(lines, config)
    return [line for line, label in zip(lines, labels) if label is not Label.BOILERPLATE]
