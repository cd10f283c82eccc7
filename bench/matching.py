"""Micro-benchmark: time of bot.understanding.matching.Matcher.match per message as the keyword table grows.

    .venv/bin/python bench/matching.py [--sizes 50,155,1000,10000] [--messages 1000]

Tables: the default one from data/, cut down to its first keywords for the smallest size, and
grown with generated topics (20 keywords each, English and Spanish, words and 2-3 word phrases
made of word-like syllables) for the larger ones. Messages: every text of the webhook traffic
(bench/traffic.py) plus generated ones with typos of real keywords and unknown long words, which
take the fuzzy path. Each size is timed with timeit, best of several passes over all messages:
"cold" clears the matcher's cache of fuzzy look-ups before each pass (every word new, the worst
case), "warm" does not (words seen before, as in steady traffic). Prints microseconds per message
and the ratio largest/smallest, against the target of at most 2x from 50 to 10,000 keywords.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import timeit
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import traffic  # noqa: E402  (bench/traffic.py, next to this file)
from bot.table.files import read_table  # noqa: E402
from bot.understanding.matching import Matcher  # noqa: E402
from bot.text import tokens  # noqa: E402
from bot.table.model import Table  # noqa: E402

TARGET_RATIO = 2.0
ONSETS = ("b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "tr", "pl", "br", "gr", "st")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io")
CODAS = ("", "", "", "n", "r", "s", "l", "nt")
FILLERS = ("need", "a", "my", "the", "de", "la", "no", "me", "to", "for", "con", "un")
SENTENCES = ("{w}", "i need {w}", "{w} please", "necesito {w} por favor", "my friend says {w} tonight",
             "hola {w}", "is there {w} near stockton", "{w} {u}", "donde hay {w}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="50,155,500,1000,2500,5000,10000",
                   help="keyword counts to time, comma-separated (the first and last give the ratio)")
    p.add_argument("--messages", type=int, default=1000, help="generated messages, besides the traffic's texts")
    p.add_argument("--repeat", type=int, default=7, help="timed passes per size (the best is kept)")
    p.add_argument("--seed", type=int, default=5, help="seed of the generated keywords and messages")
    return p.parse_args(argv)


def keyword_count(table: Table) -> int:
    """How many keyword phrases the table's topics hold, all languages together."""
    return sum(len(phrases) for topic in table.topics for phrases in topic.keywords.values())


def pseudo_word(rng: random.Random) -> str:
    """A word-like string of 2-4 syllables ("trasolen"), not a real keyword."""
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(2, 4)))


def trimmed(table: Table, size: int) -> Table:
    """``table`` with only its first keywords, taken in turn from each topic and language, ``size`` in all."""
    lists = [(t.key, lang, list(phrases)) for t in table.topics for lang, phrases in t.keywords.items()]
    kept: dict[tuple[str, str], list[str]] = {(key, lang): [] for key, lang, _ in lists}
    taken = 0
    while taken < size and any(phrases for _, _, phrases in lists):
        for key, lang, phrases in lists:
            if phrases and taken < size:
                kept[key, lang].append(phrases.pop(0))
                taken += 1
    topics = tuple(replace(t, keywords={lang: tuple(kept[t.key, lang]) for lang in t.keywords}) for t in table.topics)
    return replace(table, topics=topics)


def grown(table: Table, size: int, rng: random.Random, taken: set[tuple[str, ...]]) -> Table:
    """``table`` plus generated topics of 20 keywords each (10 per language) up to ``size`` keywords."""
    missing = size - keyword_count(table)
    template = table.topics[-1]
    topics = list(table.topics)
    for i in range(0, max(missing, 0), 20):
        phrases: list[str] = []
        while len(phrases) < min(20, missing - i):
            words = [pseudo_word(rng)]
            if rng.random() < 0.3:  # a phrase: "need a trasolen", "la brimaco pelun"
                words = [rng.choice(FILLERS), *words] if rng.random() < 0.5 else [*words, pseudo_word(rng)]
            key = tokens(" ".join(words))
            if key not in taken:
                taken.add(key)
                phrases.append(" ".join(words))
        half = (len(phrases) + 1) // 2
        topics.append(replace(template, key=f"GEN{i // 20:04d}", urgency=100 + i // 20,
                              keywords={"en": tuple(phrases[:half]), "es": tuple(phrases[half:])}))
    return replace(table, topics=tuple(topics))


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter dropped, doubled, swapped with the next or replaced."""
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1:]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1:]


def messages(table: Table, count: int, rng: random.Random) -> list[str]:
    """The traffic's texts plus ``count`` generated ones with keyword typos and unknown long words."""
    long_words = sorted({w for t in table.topics for ps in t.keywords.values() for p in ps
                         for w in tokens(p) if len(w) >= 6})
    texts = [body for body, _ in traffic.BODIES]
    for _ in range(count):
        word = typo(rng.choice(long_words), rng) if rng.random() < 0.6 else rng.choice(long_words)
        unknown = pseudo_word(rng) + rng.choice(("ado", "ing", "ers", "ita"))
        texts.append(rng.choice(SENTENCES).format(w=word, u=unknown))
    return texts


def time_matching(matcher: Matcher, texts: list[str], repeat: int, cold: bool) -> float:
    """Best time over ``repeat`` passes, in microseconds per message."""
    clear = getattr(getattr(matcher, "closest", None), "cache_clear", None)

    def setup() -> None:
        """Forget earlier fuzzy look-ups (cold), or fill the cache with one pass (warm)."""
        if cold and clear:
            clear()
        elif not cold:
            for text in texts:
                matcher.match(text)

    def run() -> None:
        """Match every message once."""
        for text in texts:
            matcher.match(text)

    best = min(timeit.Timer(run, setup).repeat(repeat=repeat, number=1))
    return best / len(texts) * 1e6


def main(argv: list[str] | None = None) -> int:
    """Time matching for each table size and print the table and the ratio."""
    args = parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(args.seed)
    base = read_table(ROOT / "data")
    texts = messages(base, args.messages, rng)
    taken = {tokens(p) for t in base.topics for ps in t.keywords.values() for p in ps}
    taken |= {(w,) for text in texts for w in tokens(text)}  # generated keywords never equal a message word
    print(f"{len(texts)} messages; default table: {keyword_count(base)} keywords in {len(base.topics)} topics\n")
    print(f"{'keywords':>9}{'topics':>8}{'index ms':>10}{'us/msg cold':>13}{'us/msg warm':>13}{'matched':>9}")
    results: dict[int, tuple[float, float]] = {}
    table = base
    for size in sizes:
        table = trimmed(base, size) if size <= keyword_count(base) else grown(table, size, rng, taken)
        started = time.perf_counter()
        matcher = Matcher(table)
        build_ms = (time.perf_counter() - started) * 1000
        cold = time_matching(matcher, texts, args.repeat, cold=True)
        warm = time_matching(matcher, texts, args.repeat, cold=False)
        matched = sum(bool(matcher.match(text).topics) for text in texts)
        results[size] = cold, warm
        print(f"{keyword_count(table):>9}{len(table.topics):>8}{build_ms:>10.1f}{cold:>13.1f}{warm:>13.1f}"
              f"{matched:>9}")
    (small_cold, small_warm), (large_cold, large_warm) = results[sizes[0]], results[sizes[-1]]
    ratio = large_cold / small_cold
    print(f"\nratio {sizes[-1]}/{sizes[0]} keywords: {ratio:.2f}x cold, {large_warm / small_warm:.2f}x warm "
          f"(target <= {TARGET_RATIO:.0f}x: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
