"""Micro-benchmark of understanding a text: the classifier alone, the whole understanding (examples,
keywords, classifier, safety), and one whole text in-process (signed request to TwiML).

    .venv/bin/python bench/understanding.py [--repeat 5] [--requests 2000]

Texts: ../shared/texts/dev.yaml when it is there, else data/examples.yaml. Prints the median and
p99 time per text of each; understanding and the whole text both for a text the bot reads the first
time and for one it read before (each snapshot remembers its readings of short texts).
Targets (issue 10): classifier <= 0.5 ms median, whole text <= 1.5 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bot import create_app  # noqa: E402
from bot.store import get_store  # noqa: E402
from bot import text as normalizing  # noqa: E402
from bot.text import normalize  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"


def texts() -> list[str]:
    """The texts to time."""
    dev = ROOT.parent / "shared" / "texts" / "dev.yaml"
    source = dev if dev.exists() else ROOT / "data" / "examples.yaml"
    return [item["text"] for item in yaml.safe_load(source.read_text(encoding="utf-8"))]


def timed(function, items, repeat: int) -> list[float]:
    """Seconds per call of ``function`` on each item, best of ``repeat`` passes per item."""
    return [min(_once(function, item) for _ in range(repeat)) for item in items]


def _once(function, item) -> float:
    """One call's time."""
    start = time.perf_counter()
    function(item)
    return time.perf_counter() - start


def show(name: str, seconds: list[float], target_ms: float | None = None) -> None:
    """Median and p99 in milliseconds."""
    median = statistics.median(seconds) * 1000
    p99 = sorted(seconds)[int(len(seconds) * 0.99) - 1] * 1000
    verdict = "" if target_ms is None else f"  (target <= {target_ms} ms: {'met' if median <= target_ms else 'MISSED'})"
    print(f"{name:<44} median {median:.3f} ms   p99 {p99:.3f} ms{verdict}")


def generic(table):
    """The same model as a scikit-learn pipeline (vectorizer, one-vs-rest regression): its predict call."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    from bot.understanding import classifier
    from bot.understanding.understander import training_data

    data = training_data(table)
    samples = classifier.samples(data["examples"], data["keywords"], data["hints"])
    vectorizer = TfidfVectorizer(analyzer=classifier.features, sublinear_tf=True, lowercase=False)
    X = vectorizer.fit_transform([s.text for s in samples])
    Y = np.array([[t in s.topics for t in data["topics"]] for s in samples], dtype=int)
    model = OneVsRestClassifier(LogisticRegression(C=classifier.C, solver="liblinear", class_weight="balanced"))
    model.fit(X, Y)
    return lambda norm: model.predict_proba(vectorizer.transform([norm]))


def main() -> int:
    """Run the three measurements."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--sklearn", action="store_true",
                   help="also time the generic scikit-learn call (transform + predict_proba) the weights replace")
    args = p.parse_args()
    items = texts()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "TWILIO_AUTH_TOKEN": TOKEN,
                          "SECRET_KEY": "bench", "SENDER_HASH_KEY": "bench", "TABLE_REFRESH_SECONDS": 60,
                          "WRITE_BATCH_SECONDS": 1})
        with app.app_context():
            snapshot = get_store().snapshot()
        understander, model = snapshot.understander, snapshot.understander.model
        norms = [normalize(t) for t in items]
        if args.sklearn:
            show("scikit-learn transform + predict_proba", timed(generic(snapshot.table), norms, args.repeat))
        print(f"{len(items)} texts; {len(model.vocabulary)} features, {len(model.topics)} topics")
        def classify(norm):
            """The classifier as a reply uses it: one vector, the topics' scores and the language."""
            vector = model.vector(norm)
            return model.scores(norm, vector), model.language(norm, vector)
        show("classifier alone (scores + language)", timed(classify, norms, args.repeat), 0.5)
        show("understanding, a text read the first time", timed(lambda t: understander._read(normalize(t)), items,
                                                                 args.repeat))
        show("understanding, a text read before (remembered)", timed(understander.match, items, args.repeat))
        client = app.test_client()
        validator = RequestValidator(TOKEN)
        requests = []
        for i in range(args.requests):
            form = {"From": f"+1209555{i % 5000:04d}", "To": "+12095550000", "Body": items[i % len(items)],
                    "MessageSid": f"SM{i:032d}", "AccountSid": "AC" + "0" * 32}
            requests.append((form, validator.compute_signature("http://localhost/sms", form)))
        def post(request):
            """One signed text through the whole app."""
            form, signature = request
            response = client.post("/sms", data=form, headers={"X-Twilio-Signature": signature})
            assert response.status_code == 200
        n = len(items)
        for request in requests[:n]:  # warm up: the app, its database and its caches
            post(request)
        understander.read.cache_clear()  # then every text new to the bot again
        normalizing._remembered.cache_clear()
        show("one whole text in-process, each text new to the bot", timed(post, requests[n:2 * n], 1), 1.5)
        show("one whole text in-process, texts read before", timed(post, requests[2 * n:], 1), 1.5)
        app.extensions["store"].engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
