"""What to answer: a text or a call step in, a reply or the next step out, on a table snapshot.

Plain Python (no Flask, no database): ``texting`` (one text and the sender's state), ``replies``
and ``segments`` (SMS wording and length), ``menu`` and ``spoken`` (the phone menu and what it
says), ``callsim`` (a call walked without a phone). The one exception is ``inbox``: the service
that reads and writes sender state through the store, shared by /sms, the CLI and the console.
"""
