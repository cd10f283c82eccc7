"""The classifier: deterministic training, predictions served from the weights equal scikit-learn's."""
import math
from collections import Counter

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.understanding import classifier
from bot.text import normalize

EXAMPLES = [
    ("my boss took my passport and i cant leave", "en", ["HOTLINE"]),
    ("they make me work all day for no pay and say i owe them", "en", ["HOTLINE"]),
    ("he has a gun and says he will kill me", "en", ["DANGER"]),
    ("im locked in a room please come now", "en", ["DANGER", "HOTLINE"]),
    ("i need a place to sleep tonight", "en", ["HOUSING"]),
    ("we got kicked out and have nowhere to go", "en", ["HOUSING"]),
    ("el patron tiene mi pasaporte y no me paga", "es", ["HOTLINE"]),
    ("me obligan a trabajar sin pago", "es", ["HOTLINE"]),
    ("tiene una pistola y me va a matar", "es", ["DANGER"]),
    ("necesito un lugar para dormir hoy", "es", ["HOUSING"]),
    ("no tengo donde quedarme con mis hijos", "es", ["HOUSING"]),
    ("hola", "es", []), ("gracias", "es", []), ("hi", "en", []), ("thanks", "en", []),
]
TOPICS = ["DANGER", "HOTLINE", "HOUSING"]


@pytest.fixture(scope="module")
def data():
    return classifier.samples(EXAMPLES, {"HOTLINE": {"en": ["help"], "es": ["ayuda"]}})


@pytest.fixture(scope="module")
def model(data):
    return classifier.train(TOPICS, ["en", "es"], data)


def test_training_is_deterministic(data, model):
    again = classifier.train(TOPICS, ["en", "es"], data)
    assert again.vocabulary == model.vocabulary
    assert np.array_equal(again.weights, model.weights) and np.array_equal(again.set_weights, model.set_weights)
    assert again.candidates == model.candidates and np.array_equal(again.utility, model.utility)


def test_scores_from_the_weights_equal_scikit_learn(data, model):
    vectorizer = TfidfVectorizer(analyzer=classifier.features, sublinear_tf=True, lowercase=False)
    X = vectorizer.fit_transform([s.text for s in data])
    y = np.array([("HOTLINE" in s.topics) for s in data], dtype=int)
    reference = LogisticRegression(C=classifier.C, solver="liblinear", class_weight="balanced").fit(X, y)
    for text in ("the boss keeps my papers", "me quitaron los papeles", "necesito ayuda", "zzz"):
        norm = normalize(text)
        expected = reference.predict_proba(vectorizer.transform([norm]))[0, 1]
        assert model.scores(norm)["HOTLINE"] == pytest.approx(expected, abs=1e-9)



@pytest.mark.parametrize("text", ["the boss keeps my papers and my papers", "ayuda " * 3, "no " * 1500, "zzz", ""])
def test_a_vector_is_sublinear_tf_idf_term_by_term(model, text):
    """The same floats as 1 + log(count) times the idf, feature by feature, l2-normalized (also for a
    count beyond the looked-up ones)."""
    norm = normalize(text)
    counts = {f: c for f, c in Counter(classifier.features(norm)).items() if f in model.vocabulary}
    index, values = model.vector(norm)
    assert index.tolist() == [model.vocabulary[f] for f in counts]
    expected = np.array([(1.0 + math.log(c)) * model.idf[model.vocabulary[f]] for f, c in counts.items()])
    if counts:
        expected /= np.sqrt(expected @ expected)
    assert np.array_equal(values, expected)

def picked(model, text, given=()):
    norm = normalize(text)
    vector = model.vector(norm)
    return model.predict(model.scores(norm, vector), vector, given)


def test_it_generalizes_past_its_examples(model):
    assert {"HOTLINE"} <= set(picked(model, "my employer keeps my passport and doesnt pay me")) <= {"HOTLINE", "DANGER"}
    assert "DANGER" in picked(model, "he has a knife and says he will kill me")
    assert "HOUSING" in picked(model, "no tengo lugar para dormir con mis hijos")
    assert "HOTLINE" not in picked(model, "no tengo lugar para dormir con mis hijos")
    assert model.language(normalize("necesito un lugar donde dormir")) == "es"
    assert model.language(normalize("i need somewhere to sleep")) == "en"


def test_a_topic_the_reply_has_anyway_is_kept(model):
    """Keyword topics are given: the model picks what to add to them, never drops them."""
    assert {"HOTLINE", "HOUSING"} <= set(picked(model, "my employer keeps my passport and doesnt pay me", {"HOUSING"}))


def test_the_reply_is_worth_most_when_right_and_missing_danger_costs_most():
    rightness, danger = classifier.rightness, frozenset({"DANGER"})
    assert rightness(frozenset({"HOTLINE"}), frozenset({"HOTLINE"})) == 1.0
    assert rightness(frozenset({"HOTLINE"}), frozenset({"HOTLINE", "DANGER"})) == 1.0 - classifier.EXTRA_COST
    assert rightness(frozenset({"HOTLINE"}), frozenset({"HOTLINE", "DANGER", "HOUSING"})) < 0
    assert rightness(danger, frozenset({"HOTLINE"})) < rightness(frozenset({"HOTLINE"}), danger) <= 0
    assert rightness(frozenset(), frozenset()) == 1.0 > rightness(frozenset(), danger) > 0


def test_texts_without_letters_say_nothing(model):
    assert model.language("") is None
    assert not model.knows("")


WATCHED = [
    ("he reads all my texts", "en", [], True), ("my boyfriend checks my phone every night", "en", [], True),
    ("she looks through my messages", "en", [], True), ("my boss takes our phones at work", "en", ["HOTLINE"], True),
    ("el revisa mi celular", "es", [], True), ("mi esposo lee mis mensajes", "es", [], True),
    ("me quita el telefono en la noche", "es", [], True), ("la patrona mira mi whatsapp", "es", [], True),
    ("my phone is about to die", "en", [], False), ("what number do i call", "en", [], False),
    ("i lost my phone", "en", [], False), ("mi telefono es nuevo", "es", [], False),
    ("cual es el numero", "es", [], False), ("can i text instead of calling", "en", [], False),
]


@pytest.fixture(scope="module")
def watched_model():
    data = classifier.samples(EXAMPLES + WATCHED, {"HOTLINE": {"en": ["help"], "es": ["ayuda"]}},
                              watched={"en": ["goes through my phone"], "es": ["revisa mis mensajes"]})
    return classifier.train(TOPICS, ["en", "es"], data)


def test_a_watched_phone_is_learned_from_flagged_examples_and_phrases(watched_model):
    """Examples flagged discreet and the table's exact phrases teach "this phone is watched"."""
    watched = [watched_model.watched(normalize(t)) for t in ("my husband reads my texts", "el me revisa el celular")]
    others = [watched_model.watched(normalize(t)) for t in ("my boss took my passport and i cant leave",
                                                             "necesito un lugar para dormir hoy")]
    assert min(watched) >= watched_model.watched_threshold and min(watched) > 2 * max(others)


def test_without_flagged_examples_nothing_is_watched(model):
    assert model.watched_weights is None and model.watched(normalize("he reads my texts")) == 0.0
