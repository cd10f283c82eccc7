"""Printed outreach cards and posters: a PDF made from the live table, with the helpline's
number, what to text, the 24/7 numbers and 911, and QR codes that open a text and a call.

Plain Python (fpdf2, segno): a table, the helpline's number and the card's words in, PDF bytes out.
Served by `flask --app bot card` and the console's Cards page.
"""
