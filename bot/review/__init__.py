"""The table reviewed by rendering it: every reply checked (``checks``), a change previewed before
it is saved (``preview``), and the reply tests staff write (``replytests``).

Plain Python above the conversation: it renders replies and call steps with it, so it sits
between the faces and the conversation rather than inside ``table``.
"""
