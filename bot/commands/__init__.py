"""Flask commands for operators and outreach staff (``flask --app bot --help`` lists them)."""
from __future__ import annotations

from flask import Flask

from . import backup, card, data, doctor, evaluate, fallback, simulate, staff, twilio_setup, versions


def init_app(app: Flask) -> None:
    """Register every command."""
    for command in (data.load_data, data.export_data, data.check_data, simulate.sms, simulate.call, staff.add_staff,
                    staff.staff_group, fallback.fallback_twiml, twilio_setup.twilio_setup, card.card, evaluate.evaluate,
                    versions.versions, versions.rollback, doctor.doctor, backup.backup, backup.restore):
        app.cli.add_command(command)
