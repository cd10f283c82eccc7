"""Synthetic SMS webhook traffic for the benchmarks: texts people send, senders, and signed requests.

Each request carries the fields Twilio's Messaging webhook posts, its own MessageSid and one of
many senders, and is signed with twilio's own RequestValidator for the exact URL it will hit.
One request per line of the file: ``<X-Twilio-Signature>\\t<url-encoded form body>``, which
bench/requests.lua reads. Everything comes from a seeded random generator, so runs repeat.
"""
from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

# What people text, with how often (relative weight). Typos, Spanish, phrases, unmatched words;
# no STOP: an opted-out sender gets empty replies from then on, so the benchmark would stop
# measuring a full reply for them.
BODIES: tuple[tuple[str, int], ...] = (
    ("help", 12), ("HELP", 6), ("Help!", 4), ("ayuda", 10), ("Ayuda por favor", 4), ("AYUDA", 3),
    ("I need a place to stay", 6), ("need a place to sleep tonight", 3), ("shelter", 3),
    ("xyz", 4), ("hi", 4), ("hello?", 3), ("?", 2), ("ok thanks", 2), ("gracias", 2),
    ("hotlne", 2), ("shleter", 2), ("trafficing", 2), ("hosuing", 1), ("ayudaa", 1), ("refujio", 1),
    ("necesito ayuda", 4), ("no me dejan salir", 2), ("¿Dónde puedo dormir esta noche?", 2),
    ("tengo miedo", 2), ("me quitaron mis papeles", 1), ("necesito un lugar seguro", 2),
    ("info", 3), ("INFO", 1), ("what is human trafficking", 1), ("información", 1),
    ("ESPAÑOL", 2), ("spanish", 1), ("ENGLISH", 1), ("911", 1), ("sos", 1),
    ("they took my passport and I can't leave", 2), ("my boss won't let me leave the house", 2),
    ("I'm scared, he said he's going to kill me", 1), ("is anyone there", 2),
    ("Hola, una amiga me dio este número. Trabajo en el campo y el patrón no nos paga y no nos deja "
     "salir. ¿Qué puedo hacer? No tengo papeles y tengo miedo de llamar a la policía.", 1),
    ("Hi, I saw your number on a flyer at the clinic. My cousin is being made to work at a motel "
     "for no pay and they keep her ID. She is not allowed to go anywhere alone. Who can help her?", 1),
    ("\U0001F198", 1), ("pls hlp", 1), ("necesito hablar con alguien", 1), ("volunteer", 1),
)

TO_NUMBER = "+12095550100"  # the helpline's own number (fictional 555-01xx range)


def weighted_bodies() -> tuple[list[str], list[int]]:
    """The texts and their weights, ready for ``random.choices``."""
    return [b for b, _ in BODIES], [w for _, w in BODIES]


def make_senders(count: int, rng: random.Random) -> list[str]:
    """``count`` different US mobile numbers in E.164, as Twilio sends them in From."""
    numbers: set[str] = set()
    area_codes = ("209", "559", "916", "510", "408", "707", "530", "661")
    while len(numbers) < count:
        numbers.add(f"+1{rng.choice(area_codes)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}")
    return sorted(numbers)


def sid(prefix: str, rng: random.Random) -> str:
    """A Twilio-style SID: two letters and 32 hex digits."""
    return prefix + f"{rng.getrandbits(128):032x}"


def webhook_params(sender: str, body: str, rng: random.Random, account_sid: str) -> dict[str, str]:
    """The form fields of one incoming SMS, as Twilio's Messaging webhook posts them."""
    message_sid = sid("SM", rng)
    return {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": message_sid, "NumMedia": "0", "ToCity": "STOCKTON",
        "FromZip": "", "SmsSid": message_sid, "FromState": "CA", "SmsStatus": "received", "FromCity": "",
        "Body": body, "FromCountry": "US", "To": TO_NUMBER, "ToZip": "95202", "NumSegments": "1",
        "MessageSid": message_sid, "AccountSid": account_sid, "From": sender, "ApiVersion": "2010-04-01",
    }


def signed_request(url: str, params: dict[str, str], validator: RequestValidator) -> str:
    """One line of the requests file: the signature for ``url`` and the url-encoded body."""
    return f"{validator.compute_signature(url, params)}\t{urlencode(params)}"


def write_requests(path: Path, url: str, token: str, count: int, senders: list[str],
                   rng: random.Random, unique: bool = False) -> None:
    """Write ``count`` signed requests to ``path``: each its own MessageSid, senders drawn at random;
    ``unique``: each text made unlike any other by a number at its end ("help 48213"), so that no
    reading the bot remembers is used again."""
    validator = RequestValidator(token)
    bodies, weights = weighted_bodies()
    account_sid = sid("AC", random.Random(0))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for body in rng.choices(bodies, weights, k=count):
            if unique:
                body = f"{body} {rng.getrandbits(40)}"
            params = webhook_params(rng.choice(senders), body, rng, account_sid)
            f.write(signed_request(url, params, validator) + "\n")
