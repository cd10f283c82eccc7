"""``twilio-setup``: point a Twilio number's webhooks at the bot through Twilio's REST API, or ``--check`` them.

Messaging and Voice webhooks go to ``PUBLIC_BASE_URL``/sms and /voice with POST, and the fallback
URLs when given (the static TwiML of ``fallback-twiml``; GET is fine there). When the number is in
a Messaging Service whose inbound settings win over the number's own, the service's are checked
and set instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import twilio_api
from ..phones import emergency_or_e164

URL, METHOD, FALLBACK, FALLBACK_METHOD, APP = "url", "method", "fallback", "fallback method", "app"


@dataclass(frozen=True)
class Setting:
    """One field Twilio keeps for the number or its service: its REST name, its value, what it should be."""
    owner: str  # "number" or "service"
    field: str  # as in Twilio's REST API: SmsUrl, InboundMethod, ...
    kind: str
    now: str | None
    given: str | None = None  # the URL asked for (webhooks: always; fallbacks: when given)

    def problem(self) -> str | None:
        """What is wrong with it, in words, or None."""
        now = self.now or ""
        if self.kind == APP:
            return f"{self.field} is {now}: that application overrides the webhook URLs" if now else None
        if self.kind == METHOD and now != "POST":
            return f"{self.field} is {now or 'unset'}, should be POST"
        if self.kind == FALLBACK_METHOD and now not in ("GET", "POST"):
            return f"{self.field} is {now or 'unset'}, should be GET or POST"
        if self.kind == FALLBACK and not now:
            return f"{self.field} is not set: nothing answers while the bot is down (see fallback-twiml)"
        if self.kind in (URL, FALLBACK) and self.given and now != self.given:
            return f"{self.field} is {now or 'unset'}, should be {self.given}"
        return None

    def missing_fallback(self) -> bool:
        """True for a fallback URL neither set nor given: a warning, but --check fails on it."""
        return self.kind == FALLBACK and not self.now and not self.given

    def wanted(self) -> str | None:
        """The value to write, or None to leave it as it is."""
        if self.kind == APP:
            return "" if self.now else None
        value = {URL: self.given, METHOD: "POST", FALLBACK: self.given,
                 FALLBACK_METHOD: "GET" if self.given else None}[self.kind]
        return value if value is not None and value != self.now else None


def settings(number, service, base: str, sms_fallback: str | None, voice_fallback: str | None) -> list[Setting]:
    """Everything that decides where Twilio sends the number's texts and calls."""
    n = number
    if service is not None and not service.use_inbound_webhook_on_number:
        sms = [Setting("service", "InboundRequestUrl", URL, service.inbound_request_url, f"{base}/sms"),
               Setting("service", "InboundMethod", METHOD, service.inbound_method),
               Setting("service", "FallbackUrl", FALLBACK, service.fallback_url, sms_fallback),
               Setting("service", "FallbackMethod", FALLBACK_METHOD, service.fallback_method, sms_fallback)]
    else:
        sms = [Setting("number", "SmsApplicationSid", APP, n.sms_application_sid),
               Setting("number", "SmsUrl", URL, n.sms_url, f"{base}/sms"),
               Setting("number", "SmsMethod", METHOD, n.sms_method),
               Setting("number", "SmsFallbackUrl", FALLBACK, n.sms_fallback_url, sms_fallback),
               Setting("number", "SmsFallbackMethod", FALLBACK_METHOD, n.sms_fallback_method, sms_fallback)]
    voice = [Setting("number", "VoiceApplicationSid", APP, n.voice_application_sid),
             Setting("number", "VoiceUrl", URL, n.voice_url, f"{base}/voice"),
             Setting("number", "VoiceMethod", METHOD, n.voice_method),
             Setting("number", "VoiceFallbackUrl", FALLBACK, n.voice_fallback_url, voice_fallback),
             Setting("number", "VoiceFallbackMethod", FALLBACK_METHOD, n.voice_fallback_method, voice_fallback)]
    return [s for s in sms + voice if s.kind != FALLBACK_METHOD or s.now or s.given]


def find_number(client, wanted: str | None):
    """The account's number given (written any way), or its only one; else a ClickException."""
    if wanted:
        try:
            e164 = emergency_or_e164(wanted)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--number")
        found = client.incoming_phone_numbers.list(phone_number=e164, limit=2)
        if not found:
            raise click.ClickException(f"{e164} is not a number of this Twilio account")
        return found[0]
    found = client.incoming_phone_numbers.list(limit=20)
    if len(found) != 1:
        listed = ", ".join(n.phone_number for n in found) or "none"
        raise click.ClickException(f"the account has {len(found)} numbers ({listed}): choose one with --number")
    return found[0]


def find_service(client, number):
    """The Messaging Service the number belongs to, or None."""
    services = client.messaging.v1.services
    for service in services.list(limit=100):
        if any(p.sid == number.sid for p in services(service.sid).phone_numbers.list(limit=1000)):
            return service
    return None


def apply(client, number, service, rows: list[Setting]) -> None:
    """Write every setting that differs: the number's in one update, the service's in another."""
    for owner, target in (("number", client.incoming_phone_numbers(number.sid)),
                          ("service", service and client.messaging.v1.services(service.sid))):
        values = {_snake(s.field): s.wanted() for s in rows if s.owner == owner and s.wanted() is not None}
        if values:
            target.update(**values)


def _snake(field: str) -> str:
    """``SmsFallbackUrl`` -> ``sms_fallback_url`` (twilio-python's argument names)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in field).lstrip("_")


@click.command("twilio-setup")
@click.option("--number", help="The Twilio number to set up (default: the account's only number).")
@click.option("--sms-fallback-url", help="URL serving fallback-twiml's sms.xml (e.g. a TwiML Bin).")
@click.option("--voice-fallback-url", help="URL serving fallback-twiml's voice.xml.")
@click.option("--check", is_flag=True,
              help="Only report what is set and what is wrong (exit 1 if anything is, a missing fallback too).")
@click.option("--yes", is_flag=True, help="Change without asking.")
@with_appcontext
def twilio_setup(number, sms_fallback_url, voice_fallback_url, check: bool, yes: bool) -> None:
    """Point a Twilio number's Messaging and Voice webhooks (POST) at PUBLIC_BASE_URL, with fallback URLs."""
    config = current_app.config
    base = config["PUBLIC_BASE_URL"].rstrip("/")
    if not base.startswith("https://"):
        raise click.ClickException("set PUBLIC_BASE_URL to the bot's public https:// address first")
    client = twilio_api.client(config)
    if client is None:
        raise click.ClickException("set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN "
                                   "(or TWILIO_API_KEY and TWILIO_API_SECRET) first")
    try:
        ok = _run(client, base, number, sms_fallback_url, voice_fallback_url, check, yes)
    except twilio_api.FAILURES as exc:
        raise click.ClickException(twilio_api.failure_in_words(exc))
    if not ok:
        raise click.exceptions.Exit(1)


def _run(client, base: str, wanted: str | None, sms_fallback, voice_fallback, check: bool, yes: bool) -> bool:
    """Report what is set; unless checking, ask and write; True when nothing is left wrong (checking: nor warned)."""
    number = find_number(client, wanted)
    service = find_service(client, number)
    rows = settings(number, service, base, sms_fallback, voice_fallback)
    click.echo(f"Number {number.phone_number} ({number.sid})")
    if service is not None and not service.use_inbound_webhook_on_number:
        click.echo(f"It is in the Messaging Service {service.friendly_name!r} ({service.sid}), whose inbound "
                   "settings override the number's own SMS URL: its settings are the ones checked and set.")
    for s in rows:
        click.echo(f"  {s.owner:7} {s.field:20} {s.now or '(unset)'}")
    to_write = [s for s in rows if s.wanted() is not None]
    if not check and to_write:
        click.echo("Will change:")
        for s in to_write:
            click.echo(f"  {s.owner:7} {s.field:20} {s.now or '(unset)'} -> {s.wanted() or '(none)'}")
        if any(s.owner == "service" for s in to_write):
            click.echo("The Messaging Service's settings apply to every number in it.")
        if not yes:
            click.confirm("Change these in Twilio?", abort=True)
        apply(client, number, service, to_write)
        number = client.incoming_phone_numbers(number.sid).fetch()
        service = service and client.messaging.v1.services(service.sid).fetch()
        rows = settings(number, service, base, sms_fallback, voice_fallback)
        click.echo("Changed.")
    wrong = [s for s in rows if s.problem() and not s.missing_fallback()]
    warned = [s for s in rows if s.missing_fallback()]
    for s in rows:
        if s.problem():
            click.echo(f"{'WARNING' if s in warned else 'WRONG'} {s.owner} {s.problem()}")
    if wrong:
        click.echo(f"{len(wrong)} problem(s).")
    else:
        click.echo("All set." + (f" {len(warned)} warning(s): give the fallback URLs, then run it again."
                                 if warned else ""))
    return not wrong and not (check and warned)
